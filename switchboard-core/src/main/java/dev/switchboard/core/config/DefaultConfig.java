package dev.switchboard.core.config;

import java.util.Set;
import java.util.function.Function;

/**
 * The configuration used when no file is given: the four model tiers (IBM Granite, Meta Llama, Google
 * Gemma, Mistral) served by the simulated provider so everything works offline — or by a real Ollama
 * when {@code SWITCHBOARD_OLLAMA_URL} is set — plus real cloud models for every provider key found in
 * the environment.
 */
public final class DefaultConfig {
    /** Tier, model name, human label. Names match Ollama's, so pointing at a real Ollama needs no renames. */
    private static final String[][] TIERS = {
        {"1", "granite4.1:3b", "IBM Granite", "120ms", "140"},
        {"2", "llama3.2", "Meta Llama", "150ms", "110"},
        {"3", "gemma3:4b", "Google Gemma", "180ms", "90"},
        {"4", "mistral-small3.2", "Mistral AI", "250ms", "60"},
    };

    /**
     * Routing profile per tier: task types, quality at complexity 0 and 1, per-type quality lines, and a
     * relative cost. The local tiers are free, so the utility's cost term compares them by relative cost
     * (roughly the compute a call needs: parameter count and speed), keeping the light tier the cheap
     * choice. The quality lines are priors in the spirit of the seeds (light models fade fast as tasks get
     * harder); tune them in config or from ledger feedback.
     */
    private static final String[] TIER_ROUTING = {
        "task-types: [documentation, summarisation, qa_simple]\n"
                + "      quality: {low: 0.80, high: 0.50}\n"
                + "      relative-cost: 1\n",
        "task-types: [documentation, summarisation, qa_simple, code_generation, reasoning]\n"
                + "      quality: {low: 0.84, high: 0.56}\n"
                + "      quality-by-type: {code_generation: {low: 0.74, high: 0.52}}\n"
                + "      relative-cost: 2\n",
        "task-types: [documentation, summarisation, qa_simple, code_generation, code_review, reasoning]\n"
                + "      quality: {low: 0.90, high: 0.66}\n"
                + "      quality-by-type: {code_generation: {low: 0.90, high: 0.72}}\n"
                + "      relative-cost: 3\n",
        "task-types: [documentation, summarisation, qa_simple, code_generation, code_review, reasoning]\n"
                + "      quality: {low: 0.95, high: 0.78}\n"
                + "      quality-by-type: {code_review: {low: 0.97, high: 0.84}}\n"
                + "      relative-cost: 4\n",
    };

    private DefaultConfig() {}

    public static SwitchboardConfig load(Function<String, String> env, Set<String> knownProviders) {
        return new ConfigLoader(env, knownProviders).parse(yaml(env), "built-in default");
    }

    /** The default config as YAML: also what {@code switchboard config --print-default} shows. */
    public static String yaml(Function<String, String> env) {
        StringBuilder y = new StringBuilder("model_list:\n");
        String ollama = env.apply("SWITCHBOARD_OLLAMA_URL");
        for (int i = 0; i < TIERS.length; i++) {
            String[] t = TIERS[i];
            y.append("  - model_name: ").append(quote(t[1])).append('\n');
            y.append("    litellm_params:\n");
            if (ollama != null && !ollama.isBlank()) {
                y.append("      model: ollama/").append(t[1]).append('\n');
                y.append("      api_base: ").append(quote(ollama)).append('\n');
            } else {
                y.append("      model: simulated/").append(t[1]).append('\n');
                y.append("      simulation: {time-to-first-token: ").append(t[3]).append(", tokens-per-second: ")
                        .append(t[4]).append("}\n");
            }
            y.append("    model_info:\n");
            y.append("      id: ").append(quote("tier" + t[0] + "-" + t[1])).append('\n');
            y.append("      tier: ").append(t[0]).append('\n');
            y.append("      label: ").append(quote(t[2])).append('\n');
            y.append("      context-window: 128000\n");
            y.append("      ").append(TIER_ROUTING[i]);
        }
        y.append("  - model_name: nomic-embed-text\n    litellm_params:\n");
        if (ollama != null && !ollama.isBlank()) {
            y.append("      model: ollama/nomic-embed-text\n      api_base: ").append(quote(ollama)).append('\n');
        } else {
            y.append("      model: simulated/nomic-embed-text\n");
        }
        y.append("    model_info: {mode: embedding, context-window: 8192}\n");
        cloud(y, env, "OPENAI_API_KEY", "openai", new String[][] {
            {"gpt-4o-mini", "0.15", "0.60"}, {"gpt-4o", "2.50", "10.00"}, {"text-embedding-3-small", "0.02", "0", "embedding"}});
        cloud(y, env, "GEMINI_API_KEY", "gemini", new String[][] {
            {"gemini-2.5-flash", "0.30", "2.50"}, {"gemini-2.5-pro", "1.25", "10.00"}});
        cloud(y, env, "ANTHROPIC_API_KEY", "anthropic", new String[][] {
            {"claude-haiku-4-5", "1.00", "5.00"}, {"claude-sonnet-4-5", "3.00", "15.00"}});
        return y.toString();
    }

    private static void cloud(StringBuilder y, Function<String, String> env, String keyVar, String prefix, String[][] models) {
        String key = env.apply(keyVar);
        if (key == null || key.isBlank()) return;
        for (String[] m : models) {
            y.append("  - model_name: ").append(m[0]).append('\n');
            y.append("    litellm_params: {model: ").append(prefix).append('/').append(m[0])
                    .append(", api_key: os.environ/").append(keyVar).append("}\n");
            y.append("    model_info: {input-price-per-million: ").append(m[1]).append(", output-price-per-million: ")
                    .append(m[2]);
            if (m.length > 3) y.append(", mode: ").append(m[3]);
            y.append("}\n");
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
