package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final Set<String> PROVIDERS = Set.of("openai", "ollama", "simulated", "anthropic");
    private final Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-test-123", "MY_KEY", "sk-from-env", "PORT", "4100");
    private final ConfigLoader loader = new ConfigLoader(env::get, PROVIDERS);

    @Test
    void loadsALiteLlmModelListAsIs() {
        SwitchboardConfig c = loader.parse("""
                model_list:
                  - model_name: gpt-4o
                    litellm_params:
                      model: openai/gpt-4o
                      api_key: os.environ/MY_KEY
                      rpm: 100
                      tpm: 100000
                      timeout: 30
                  - model_name: gpt-4o
                    litellm_params:
                      model: groq/llama-3.3-70b-versatile
                      api_key: os.environ/MY_KEY
                    model_info:
                      id: groq-llama
                      input_cost_per_token: 0.00000059
                      output_cost_per_token: 0.00000079
                      max_input_tokens: 131072
                  - model_name: local
                    litellm_params:
                      model: ollama/llama3.2
                      api_base: http://127.0.0.1:11434
                litellm_settings:
                  drop_params: true
                general_settings:
                  master_key: sk-master
                """, "test");
        assertThat(c.modelGroups()).containsOnlyKeys("gpt-4o", "local");
        assertThat(c.modelGroups().get("gpt-4o")).hasSize(2);
        Deployment first = c.deployments().get(0);
        assertThat(first.provider()).isEqualTo("openai");
        assertThat(first.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(first.apiBase()).hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("https://api.openai.com/v1"));
        assertThat(first.apiKey()).hasValueSatisfying(k -> assertThat(k.value()).isEqualTo("sk-from-env"));
        assertThat(first.rpm()).hasValue(100);
        assertThat(first.timeouts().total()).isEqualTo(Duration.ofSeconds(30));
        Deployment groq = c.deployments().get(1);
        assertThat(groq.id()).isEqualTo("groq-llama");
        assertThat(groq.provider()).isEqualTo("openai");
        assertThat(groq.apiBase().orElseThrow().toString()).isEqualTo("https://api.groq.com/openai/v1");
        assertThat(groq.info().prices().inputPerMillion()).isCloseTo(0.59, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(groq.info().contextWindow()).isEqualTo(131072);
        assertThat(c.deployments().get(2).provider()).isEqualTo("ollama");
        assertThat(c.masterKey()).hasValueSatisfying(k -> assertThat(k.value()).isEqualTo("sk-master"));
    }

    @Test
    void whatTheConfigLeavesUnstatedComesFromTheCatalogueForEveryStage() {
        SwitchboardConfig c = loader.parse("""
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: sk-test}
                  - model_name: claude-short
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: sk-test}
                    model_info: {max_input_tokens: 50000, max_output_tokens: 1000, input_cost_per_token: 0.000001,
                                 output_cost_per_token: 0.000002}
                  - model_name: unknown
                    litellm_params: {model: openai/not-in-any-catalogue, api_key: sk-test}
                """, "test");
        ModelInfo catalogued = c.deployments().get(0).info();
        assertThat(catalogued.contextWindow()).isEqualTo(200_000);
        assertThat(catalogued.maxOutputTokens()).isEqualTo(64_000);
        assertThat(catalogued.prices().inputPerMillion()).isEqualTo(3.0);
        assertThat(catalogued.isDeclared(ModelInfo.PRICES)).isFalse();
        ModelInfo stated = c.deployments().get(1).info();
        assertThat(stated.contextWindow()).isEqualTo(50_000);
        assertThat(stated.maxOutputTokens()).isEqualTo(1_000);
        assertThat(stated.prices().inputPerMillion()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.deployments().get(2).info().contextWindow()).isEqualTo(ModelInfo.DEFAULT_CONTEXT_WINDOW);
    }

    @Test
    void aBareModelNameIsAnOpenAiModelWithTheKeyFromTheEnvironment() {
        Deployment d = loader.parse("model_list: [{model_name: m, litellm_params: {model: gpt-4o-mini}}]", "t").deployments().getFirst();
        assertThat(d.provider()).isEqualTo("openai");
        assertThat(d.apiKey().orElseThrow().value()).isEqualTo("sk-test-123");
    }

    @Test
    void switchboardSectionOverridesServerDefaultsWithPlaceholders() {
        SwitchboardConfig c = loader.parse("""
                switchboard:
                  server: {port: "${PORT}", max-body-bytes: 2mb, shutdown-grace: 5s, host: "${HOST:-127.0.0.1}"}
                """, "t");
        assertThat(c.server().port()).isEqualTo(4100);
        assertThat(c.server().maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().maxHeaderBytes()).as("the web server's default").isEqualTo(16 * 1024);
        assertThat(c.server().maxRequestLineBytes()).isEqualTo(4 * 1024);
    }

    @Test
    void theBufferedBodyBudgetTakesAtLeastOneBodyOfTheLargestSize() {
        assertThat(loader.parse("model_list: []", "t").server().maxBufferedBodyBytes()).isEqualTo(24L * 1024 * 1024);
        assertThat(loader.parse("switchboard: {server: {max-body-bytes: 50mb}}", "t").server().maxBufferedBodyBytes())
                .as("follows a larger max-body-bytes").isEqualTo(50L * 1024 * 1024);
        assertThat(loader.parse("switchboard: {server: {max-buffered-body-bytes: 64mb}}", "t").server().maxBufferedBodyBytes())
                .isEqualTo(64L * 1024 * 1024);
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {max-body-bytes: 10mb, max-buffered-body-bytes: 5mb}}", "t"))
                .hasMessageStartingWith("switchboard.server.max-buffered-body-bytes: must be at least max-body-bytes (10485760)");
    }

    @Test
    void answersReadWholeAndEmbeddingsHaveTheirOwnSizeLimits() {
        var defaults = loader.parse("model_list: []", "t").server();
        assertThat(defaults.upstreamMaxResponseBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(defaults.upstreamMaxEmbeddingsResponseBytes()).isEqualTo(128 * 1024 * 1024);
        var set = loader.parse("switchboard: {upstream: {max-response-bytes: 4mb, max-embeddings-response-bytes: 1gb}}", "t").server();
        assertThat(set.upstreamMaxResponseBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(set.upstreamMaxEmbeddingsResponseBytes()).isEqualTo(1024 * 1024 * 1024);
        assertThatThrownBy(() -> loader.parse("switchboard: {upstream: {max-embeddings-response-bytes: 100}}", "t"))
                .hasMessageStartingWith("switchboard.upstream.max-embeddings-response-bytes: must be between 1024 and");
    }

    @Test
    void theUpstreamEventLimitIsASize() {
        assertThat(loader.parse("model_list: []", "t").server().upstreamMaxEventBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(loader.parse("switchboard: {upstream: {max-event-bytes: 2mb}}", "t").server().upstreamMaxEventBytes())
                .isEqualTo(2 * 1024 * 1024);
        assertThatThrownBy(() -> loader.parse("switchboard: {upstream: {max-event-bytes: 10}}", "t"))
                .hasMessageStartingWith("switchboard.upstream.max-event-bytes: must be between 1024 and 1073741824");
    }

    @Test
    void headerAndRequestLineLimitsAreSizes() {
        SwitchboardConfig c = loader.parse("switchboard: {server: {max-header-bytes: 64kb, max-request-line-bytes: 8192}}", "t");
        assertThat(c.server().maxHeaderBytes()).isEqualTo(64 * 1024);
        assertThat(c.server().maxRequestLineBytes()).isEqualTo(8192);
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {max-header-bytes: 2mb}}", "t"))
                .hasMessageStartingWith("switchboard.server.max-header-bytes: must be between 1024 and 1048576");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {max-request-line-bytes: 100}}", "t"))
                .hasMessageStartingWith("switchboard.server.max-request-line-bytes: must be between 256 and 65536");
    }

    @Test
    void storedResponsesHaveARoomAndATimeToLive() {
        SwitchboardConfig d = loader.parse("switchboard: {}", "t");
        assertThat(d.server().storedResponsesBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(d.server().storedResponsesTtl()).isEqualTo(java.time.Duration.ofHours(1));
        SwitchboardConfig c = loader.parse("switchboard: {server: {stored-responses-bytes: 0, stored-responses-ttl: 10m}}", "t");
        assertThat(c.server().storedResponsesBytes()).isZero();
        assertThat(c.server().storedResponsesTtl()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {stored-responses-bytes: -1}}", "t"))
                .hasMessageStartingWith("switchboard.server.stored-responses-bytes: must be between 0 and");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {stored-responses-ttl: 0s}}", "t"))
                .hasMessageStartingWith("switchboard.server.stored-responses-ttl: must be positive");
    }

    @Test
    void aMissingEnvironmentVariableNamesTheKeyButNeverAValue() {
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: openai/x, api_key: os.environ/NOPE}}]", "t"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model_list[0].litellm_params.api_key: environment variable NOPE is not set");
    }

    /** An api_base may carry a credential in its userinfo or query: a message quoting it shows neither. */
    @Test
    void aRefusedApiBaseIsQuotedWithoutItsSecrets() {
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: openai/x, "
                + "api_base: 'ftp://bob:hunter2@x.example/v1?api-key=sk-123&region=eu#tok'}}]", "t"))
                .hasMessage("model_list[0].litellm_params.api_base: must be an http(s) URL "
                        + "(was 'ftp://****@x.example/v1?api-key=****&region=****#****')");
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: openai/x, "
                + "api_base: 'bob:hunter2@x.example?sk-123'}}]", "t"))
                .hasMessage("model_list[0].litellm_params.api_base: must be an http(s) URL (was '****@x.example?****')");
        assertThat(Secret.redactUrl("https://api.example/v1")).as("nothing secret, nothing hidden").isEqualTo("https://api.example/v1");
    }

    @Test
    void badValuesRefuseToStartNamingTheKey() {
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {port: 70000}}", "t"))
                .hasMessageStartingWith("switchboard.server.port: must be between 0 and 65535");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {prot: 1}}", "t"))
                .hasMessageStartingWith("switchboard.server.prot: unknown key");
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: nosuch/x}}]", "t"))
                .hasMessageStartingWith("model_list[0].litellm_params.model: unknown provider 'nosuch'");
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: hosted_vllm/x}}]", "t"))
                .hasMessageStartingWith("model_list[0].litellm_params.api_base: is required");
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: openai/x, api_base: 'ftp://x'}}]", "t"))
                .hasMessageStartingWith("model_list[0].litellm_params.api_base: must be an http(s) URL");
        assertThatThrownBy(() -> loader.parse("model_list: [{litellm_params: {model: openai/x}}]", "t"))
                .hasMessage("model_list[0].model_name: is required");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {request-timeout: soon}}", "t"))
                .hasMessageStartingWith("switchboard.server.request-timeout: must be a duration");
        assertThatThrownBy(() -> loader.parse("model_list: {a: 1}", "t")).hasMessage("model_list: must be a list");
        assertThatThrownBy(() -> loader.parse("nonsense_section: 1", "t")).hasMessageStartingWith("nonsense_section: unknown key");
        assertThatThrownBy(() -> loader.parse("model_list: [\n  - {", "t")).hasMessageStartingWith("config is not valid YAML");
        assertThatThrownBy(() -> loader.parse("switchboard: {routing: {task-types: {legal: {keywords: [contract, '']}}}}", "t"))
                .hasMessageStartingWith("switchboard.routing.task-types.legal.keywords[1]: must not be empty");
        assertThatThrownBy(() -> loader.parse("switchboard: {routing: {task-types: {legal: {phrases: ' '}}}}", "t"))
                .hasMessageStartingWith("switchboard.routing.task-types.legal.phrases: must not be empty");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {header-timeout: 0s}}", "t"))
                .hasMessageStartingWith("switchboard.server.header-timeout: must be positive");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {idle-timeout: forever}}", "t"))
                .hasMessageStartingWith("switchboard.server.idle-timeout: must be a duration");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {idle-timeout: 500ms}}", "t"))
                .hasMessageStartingWith("switchboard.server.idle-timeout: must be at least 1s");
    }

    /** The parser quotes the line it failed on; a literal key on that line must not reach the terminal. */
    @Test
    void invalidYamlIsOneLineWithoutTheSourceText() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: openai/gpt-4o
                      api_key: sk-live-SECRET123: x
                """, "t"))
                .hasMessageStartingWith("config is not valid YAML: mapping values are not allowed here")
                .hasMessageContaining("line 5")
                .hasMessageNotContaining("SECRET")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> loader.parse("general_settings:\n  master_key: \"sk-live-SECRET123\n", "t"))
                .hasMessageStartingWith("config is not valid YAML")
                .hasMessageNotContaining("SECRET")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** LiteLLM exports environment_variables, so os.environ/NAME may name one; the real environment wins. */
    @Test
    void osEnvironReadsTheEnvironmentVariablesSectionWhereTheEnvironmentIsSilent() {
        SwitchboardConfig c = loader.parse("""
                environment_variables:
                  GATEWAY_KEY: sk-from-section
                  MY_KEY: sk-shadowed
                  GROQ_API_KEY: gsk-section
                  BASE_URL: http://vllm.local/v1
                  REDIS_HOST: localhost
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o, api_key: os.environ/GATEWAY_KEY}
                  - model_name: b
                    litellm_params: {model: openai/gpt-4o, api_key: os.environ/MY_KEY}
                  - model_name: c
                    litellm_params: {model: groq/llama-3.3-70b-versatile}
                  - model_name: d
                    litellm_params: {model: openai/gpt-4o, api_base: "${BASE_URL}"}
                """, "t");
        assertThat(c.deployments().get(0).apiKey().orElseThrow().value()).isEqualTo("sk-from-section");
        assertThat(c.deployments().get(1).apiKey().orElseThrow().value()).isEqualTo("sk-from-env");
        assertThat(c.deployments().get(2).apiKey().orElseThrow().value()).isEqualTo("gsk-section");
        assertThat(c.deployments().get(3).apiBase().orElseThrow().toString()).isEqualTo("http://vllm.local/v1");
    }

    @Test
    void litellmParamsAndModelInfoMustBeMappings() {
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: a, litellm_params: openai/gpt-4o}]", "t"))
                .hasMessage("model_list[0].litellm_params: must be a mapping");
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o}
                    model_info:
                      - input_cost_per_token: 0.000001
                """, "t")).hasMessage("model_list[0].model_info: must be a mapping");
    }

    @Test
    void litellmIncludeFilesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> loader.parse("include:\n  - model_config.yaml\nlitellm_settings: {drop_params: true}\n", "t"))
                .hasMessage("include: other config files are not read: copy their model_list entries and settings "
                        + "into this file");
    }

    @Test
    void aMissingConfigFileSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path missing = dir.resolve("config.yaml");
        assertThatThrownBy(() -> loader.load(missing)).hasMessage("config file " + missing + " does not exist");
    }

    /** Past what a deadline in nanoseconds holds (and far past any sensible limit): refused at start, not a 500 per request. */
    @Test
    void aDurationBeyondSevenDaysRefusesToStartNamingTheKey() {
        assertThat(loader.parse("switchboard: {server: {request-timeout: 168h}}", "t").server().requestTimeout())
                .isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {request-timeout: 100000000000}}", "t"))
                .hasMessage("switchboard.server.request-timeout: must be at most 7 days (168h)");
        assertThatThrownBy(() -> loader.parse("switchboard: {upstream: {idle-timeout: 1e300}}", "t"))
                .hasMessageStartingWith("switchboard.upstream.idle-timeout: must be at most 7 days");
        assertThatThrownBy(() -> loader.parse("router_settings: {timeout: 1e300}", "t"))
                .hasMessageStartingWith("router_settings.timeout: must be at most 7 days");
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: openai/x, timeout: 99999999999}}]", "t"))
                .hasMessageStartingWith("model_list[0].litellm_params.timeout: must be at most 7 days");
    }

    @Test
    void numbersPastTheirRangeAreRefusedNotWrapped() {
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: simulated/a, rpm: 18446744073709551617}}]", "t"))
                .hasMessageStartingWith("model_list[0].litellm_params.rpm: must be between 1 and");
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: m, litellm_params: {model: simulated/a, rpm: '99999999999999999999'}}]", "t"))
                .hasMessageStartingWith("model_list[0].litellm_params.rpm: must be between 1 and");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {max-body-bytes: 17179869185gb}}", "t"))
                .hasMessageStartingWith("switchboard.server.max-body-bytes: must be between");
        assertThatThrownBy(() -> loader.parse("switchboard: {server: {max-body-bytes: 99999999999999999999mb}}", "t"))
                .hasMessageStartingWith("switchboard.server.max-body-bytes: must be between");
    }

    @Test
    void namesThatWouldHideAModelOrPinToNothingAreRefused() {
        String models = "model_list: [{model_name: m, litellm_params: {model: simulated/a}, model_info: {id: m-one}}]\n";
        assertThatThrownBy(() -> loader.parse("model_list: [{model_name: auto, litellm_params: {model: simulated/a}}]\n"
                + "switchboard: {routing: {model-names: [switchboard/auto, auto]}}", "t"))
                .hasMessageStartingWith("model_list[0].model_name: 'auto' is a name the cost-aware router serves");
        assertThatThrownBy(() -> loader.parse(models + "switchboard: {routing: {pins: {code_review: nope}}}", "t"))
                .hasMessageStartingWith("switchboard.routing.pins.code_review: 'nope' is neither a model_name nor a deployment id");
        assertThat(loader.parse(models + "switchboard: {routing: {pins: {code_review: m-one}}}", "t").routing().pins())
                .containsEntry("code_review", "m-one");
        String vectors = models.replace("]\n", ", {model_name: vectors, litellm_params: {model: simulated/e}, "
                + "model_info: {id: e-one, mode: embedding}}]\n");
        assertThatThrownBy(() -> loader.parse(vectors + "switchboard: {routing: {pins: {qa_simple: e-one}}}", "t"))
                .hasMessage("switchboard.routing.pins.qa_simple: 'e-one' is an embedding model, which cannot answer a chat");
        assertThatThrownBy(() -> loader.parse(vectors + "switchboard: {cascades: {tiered: {models: [m, vectors]}}}", "t"))
                .hasMessage("switchboard.cascades.tiered.models: 'vectors' is a group of embedding models, which cannot "
                        + "answer a chat");
        String twoChats = vectors.replace("model_list: [", "model_list: [{model_name: n, litellm_params: {model: simulated/n}}, ");
        assertThatThrownBy(() -> loader.parse(twoChats + "switchboard: {cascades: {tiered: {models: [n, m], judge: vectors}}}", "t"))
                .hasMessage("switchboard.cascades.tiered.judge: 'vectors' is a group of embedding models, which cannot "
                        + "answer a chat");
        assertThatThrownBy(() -> loader.parse(models
                + "switchboard: {routers: [{learned: {model: switchboard/auto, strong-model: m, weak-model: m}}]}", "t"))
                .hasMessageStartingWith("switchboard.routers[0].learned.model: 'switchboard/auto' is a name the cost-aware router serves");
        assertThatThrownBy(() -> loader.parse(models + """
                switchboard:
                  routers: [{learned: {model: smart, strong-model: m, weak-model: m}}]
                  cascades: {smart: {models: [m, m]}}
                """, "t")).hasMessage("switchboard.cascades.smart: the cascade name 'smart' is already a model name");
    }

    @Test
    void anEntryKeyThatIsNotReadIsNamedInAWarning() {
        var warnings = Warnings.loggedBy(ConfigLoader.class, () -> loader.parse(
                "model_list: [{model_name: m, litellm_params: {model: simulated/a}, modle_info: {tier: 4}}]", "t"));
        assertThat(warnings).containsExactly("model_list[0]: [modle_info] not read (an entry is read for model_name, "
                + "litellm_params, model_info)");
    }

    @Test
    void duplicateDeploymentIdsAreRefused() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - {model_name: a, litellm_params: {model: simulated/a}, model_info: {id: same}}
                  - {model_name: b, litellm_params: {model: simulated/b}, model_info: {id: same}}
                """, "t")).hasMessage("model_list[1].model_info.id: duplicate deployment id 'same'");
    }

    @Test
    void secretsNeverShowInToString() {
        SwitchboardConfig c = loader.parse("model_list: [{model_name: m, litellm_params: {model: openai/x, api_key: sk-literal-secret}}]", "t");
        assertThat(c.toString()).doesNotContain("sk-literal-secret");
        assertThat(c.deployments().getFirst().apiKey().orElseThrow().toString()).isEqualTo("Secret[****]");
    }

    @Test
    void theBuiltInDefaultServesTheFourTiersSimulatedOffline() {
        SwitchboardConfig c = DefaultConfig.load(k -> null, PROVIDERS);
        assertThat(c.modelGroups().keySet()).contains("granite4.1:3b", "llama3.2", "gemma3:4b", "mistral-small3.2");
        assertThat(c.deployments()).allMatch(Deployment::simulated);
    }

    @Test
    void theBuiltInDefaultUsesOllamaAndCloudKeysFromTheEnvironment() {
        Map<String, String> e = Map.of("SWITCHBOARD_OLLAMA_URL", "http://127.0.0.1:11434", "OPENAI_API_KEY", "sk-x");
        SwitchboardConfig c = DefaultConfig.load(e::get, PROVIDERS);
        assertThat(c.modelGroups().get("llama3.2").getFirst().provider()).isEqualTo("ollama");
        assertThat(c.modelGroups().get("gpt-4o-mini").getFirst().provider()).isEqualTo("openai");
    }
}
