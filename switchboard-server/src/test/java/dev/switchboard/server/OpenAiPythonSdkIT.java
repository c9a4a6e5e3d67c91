package dev.switchboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The official OpenAI Python SDK: {@code src/test/python/openai_python_check.py} makes the calls. Needs Python 3.9
 * or later with venv; the SDK version is pinned in {@code requirements.txt} and installed on first run into a
 * virtual environment under {@code target/}, from pip's configured index.
 */
class OpenAiPythonSdkIT extends SdkScriptChecks {
    private static final Path DIR = Path.of("src/test/python");
    private static final Path VENV = Path.of("target/python-sdk").toAbsolutePath();
    private static final String NEEDS = "Python 3.9+ with venv (Debian: apt-get install python3 python3-venv)";

    @Override
    String label() {
        return "python";
    }

    @Override
    String runScript(Map<String, String> env) throws IOException, InterruptedException {
        String python = VENV.resolve("bin/python").toString();
        Path requirements = DIR.resolve("requirements.txt");
        Path installed = VENV.resolve("installed-requirements.txt");
        if (!Files.exists(installed) || Files.mismatch(requirements, installed) != -1) {
            run(DIR, List.of("python3", "-m", "venv", "--clear", VENV.toString()), Map.of(), 120,
                    "creating the Python SDK's virtual environment", NEEDS);
            // --retries 0: an index that cannot be reached fails at once instead of after minutes of back-off,
            // so pip goes straight to the other configured indexes.
            run(DIR, List.of(python, "-m", "pip", "install", "--quiet", "--retries", "0", "-r", "requirements.txt"),
                    Map.of(), 300, "installing the pinned OpenAI Python SDK", NEEDS);
            Files.copy(requirements, installed);
        }
        return run(DIR, List.of(python, "openai_python_check.py"), env, 120, "the Python SDK script", NEEDS);
    }
}
