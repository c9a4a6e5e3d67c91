package dev.switchboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The official Python SDKs pinned in {@code src/test/python/requirements.txt} (OpenAI's and Anthropic's), installed
 * on first use into a virtual environment under {@code target/} from pip's configured index, and reinstalled when the
 * pins change. Needs Python 3.9 or later with venv.
 */
final class PythonSdks {
    private static final Path DIR = Path.of("src/test/python");
    private static final Path VENV = Path.of("target/python-sdk").toAbsolutePath();
    private static final String NEEDS = "Python 3.9+ with venv (Debian: apt-get install python3 python3-venv)";

    private PythonSdks() {}

    /** Runs {@code script} from {@code src/test/python} with the SDKs and {@code env}; returns what it printed. */
    static String run(String script, Map<String, String> env) throws IOException, InterruptedException {
        String python = install();
        return ExternalScript.run(DIR, List.of(python, script), env, 120, "the Python script " + script, NEEDS);
    }

    private static synchronized String install() throws IOException, InterruptedException {
        String python = VENV.resolve("bin/python").toString();
        Path requirements = DIR.resolve("requirements.txt");
        Path installed = VENV.resolve("installed-requirements.txt");
        if (Files.exists(installed) && Files.mismatch(requirements, installed) == -1) return python;
        ExternalScript.run(DIR, List.of("python3", "-m", "venv", "--clear", VENV.toString()), Map.of(), 120,
                "creating the Python SDKs' virtual environment", NEEDS);
        // --retries 0: an index that cannot be reached fails at once instead of after minutes of back-off, so pip
        // goes straight to the other configured indexes.
        ExternalScript.run(DIR, List.of(python, "-m", "pip", "install", "--quiet", "--retries", "0", "-r", "requirements.txt"),
                Map.of(), 300, "installing the pinned Python SDKs", NEEDS);
        Files.copy(requirements, installed);
        return python;
    }
}
