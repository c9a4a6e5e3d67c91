package dev.switchboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The official OpenAI Node SDK: {@code src/test/node/openai-node-check.mjs} makes the calls. Needs Node.js 18 or
 * later; the SDK version is pinned in {@code package-lock.json} and installed on first run.
 */
class OpenAiNodeSdkIT extends SdkScriptChecks {
    private static final Path DIR = Path.of("src/test/node");
    private static final String NEEDS = "Node.js 18+ and npm (Debian: apt-get install nodejs npm)";

    @Override
    String label() {
        return "node";
    }

    @Override
    String runScript(Map<String, String> env) throws IOException, InterruptedException {
        if (!Files.isDirectory(DIR.resolve("node_modules/openai"))) {
            ExternalScript.run(DIR, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300, "installing the pinned OpenAI Node SDK", NEEDS);
        }
        return ExternalScript.run(DIR, List.of("node", "openai-node-check.mjs"), env, 120, "the Node SDK script", NEEDS);
    }
}
