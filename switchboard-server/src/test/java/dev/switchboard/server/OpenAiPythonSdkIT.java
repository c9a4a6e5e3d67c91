package dev.switchboard.server;

import java.io.IOException;
import java.util.Map;

/** The official OpenAI Python SDK ({@link PythonSdks}): {@code src/test/python/openai_python_check.py} makes the calls. */
class OpenAiPythonSdkIT extends SdkScriptChecks {
    @Override
    String label() {
        return "python";
    }

    @Override
    String runScript(Map<String, String> env) throws IOException, InterruptedException {
        return PythonSdks.run("openai_python_check.py", env);
    }
}
