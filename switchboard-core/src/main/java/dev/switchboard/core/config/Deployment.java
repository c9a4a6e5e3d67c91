package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One concrete place a model runs: a {@code model_list} entry. Several deployments may share a
 * {@code modelName}, forming a model group that clients address by that name.
 *
 * @param id unique within the config ({@code model_info.id}, or derived from the group and position)
 * @param provider adapter id: "openai", "ollama", "simulated", ...
 * @param upstreamModel the model name the provider knows ({@code litellm_params.model} after the slash)
 * @param params every other {@code litellm_params} key as written (api_version, simulation knobs, ...)
 */
public record Deployment(
        String id,
        String modelName,
        String provider,
        String upstreamModel,
        Optional<URI> apiBase,
        Optional<Secret> apiKey,
        Map<String, String> headers,
        ObjectNode params,
        OptionalInt rpm,
        OptionalInt tpm,
        int weight,
        Timeouts timeouts,
        ModelInfo info) {

    public Deployment {
        headers = Map.copyOf(headers);
    }

    /** True for the offline simulated provider, which must always be labelled as such. */
    public boolean simulated() {
        return "simulated".equals(provider);
    }

    @Override
    public String toString() {
        return "Deployment[" + id + " " + provider + "/" + upstreamModel + "]";
    }
}
