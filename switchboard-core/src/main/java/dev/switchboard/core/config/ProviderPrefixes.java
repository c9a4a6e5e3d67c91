package dev.switchboard.core.config;

import java.util.Map;
import java.util.Optional;

/**
 * How a LiteLLM model string ({@code provider/model}) maps onto an adapter. OpenAI-compatible services
 * share the {@code openai} adapter with their own default base URL and key variable.
 */
public final class ProviderPrefixes {

    /** Adapter id, default base URL (may be null: must be configured), default API-key env variable. */
    public record Mapping(String adapter, String defaultApiBase, String keyVariable) {}

    private static final Map<String, Mapping> PREFIXES = Map.ofEntries(
            Map.entry("openai", new Mapping("openai", "https://api.openai.com/v1", "OPENAI_API_KEY")),
            Map.entry("text-completion-openai", new Mapping("openai", "https://api.openai.com/v1", "OPENAI_API_KEY")),
            Map.entry("openai_compatible", new Mapping("openai", null, null)),
            Map.entry("custom_openai", new Mapping("openai", null, null)),
            Map.entry("hosted_vllm", new Mapping("openai", null, null)),
            Map.entry("vllm", new Mapping("openai", null, null)),
            Map.entry("llamafile", new Mapping("openai", "http://127.0.0.1:8080/v1", null)),
            Map.entry("llama_cpp", new Mapping("openai", "http://127.0.0.1:8080/v1", null)),
            Map.entry("lm_studio", new Mapping("openai", "http://127.0.0.1:1234/v1", "LM_STUDIO_API_KEY")),
            Map.entry("groq", new Mapping("openai", "https://api.groq.com/openai/v1", "GROQ_API_KEY")),
            Map.entry("together_ai", new Mapping("openai", "https://api.together.xyz/v1", "TOGETHERAI_API_KEY")),
            Map.entry("mistral", new Mapping("openai", "https://api.mistral.ai/v1", "MISTRAL_API_KEY")),
            Map.entry("deepseek", new Mapping("openai", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY")),
            Map.entry("openrouter", new Mapping("openai", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY")),
            Map.entry("fireworks_ai", new Mapping("openai", "https://api.fireworks.ai/inference/v1", "FIREWORKS_AI_API_KEY")),
            Map.entry("perplexity", new Mapping("openai", "https://api.perplexity.ai", "PERPLEXITYAI_API_KEY")),
            Map.entry("xai", new Mapping("openai", "https://api.x.ai/v1", "XAI_API_KEY")),
            Map.entry("gemini", new Mapping("openai", "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY")),
            Map.entry("ollama", new Mapping("ollama", "http://127.0.0.1:11434", null)),
            Map.entry("ollama_chat", new Mapping("ollama", "http://127.0.0.1:11434", null)),
            Map.entry("anthropic", new Mapping("anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY")),
            Map.entry("simulated", new Mapping("simulated", null, null)));

    private ProviderPrefixes() {}

    public static Optional<Mapping> lookup(String prefix) {
        return Optional.ofNullable(PREFIXES.get(prefix));
    }
}
