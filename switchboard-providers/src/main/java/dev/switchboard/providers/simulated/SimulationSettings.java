package dev.switchboard.providers.simulated;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.spi.WireHeaders;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * One deployment's {@code litellm_params.simulation} knobs (all optional):
 * <pre>
 * simulation:
 *   time-to-first-token: 120ms   # before the first token; default 0
 *   tokens-per-second: 140       # generation speed; default unlimited
 *   error-rate: 0.05             # share of requests answered with error-status; default 0
 *   error-status: 503            # 400..599; default 500 (429 and 503 carry Retry-After: 1)
 *   stall-after-tokens: 20       # with stall-for: the stream pauses once after this many tokens
 *   stall-for: 5s
 *   fail-after-tokens: 40        # the connection breaks after this many tokens
 *   answer: normal               # normal | refusal | dont-know | empty | truncated | invalid-json: a poor
 *                                # answer on purpose, to exercise answer checks and cascades; default normal
 * </pre>
 * The adapter sends them to the in-process server as request headers, the way a test upstream is steered.
 *
 * @param tokensPerSecond {@code Double.POSITIVE_INFINITY} when unlimited
 * @param contextWindow the deployment's context window: longer prompts are refused as a real server would
 */
public record SimulationSettings(
        Duration timeToFirstToken,
        double tokensPerSecond,
        double errorRate,
        int errorStatus,
        OptionalInt stallAfterTokens,
        Duration stallFor,
        OptionalInt failAfterTokens,
        OptionalInt contextWindow,
        Answer answer) {

    public static final SimulationSettings NONE = new SimulationSettings(Duration.ZERO, Double.POSITIVE_INFINITY, 0, 500,
            OptionalInt.empty(), Duration.ZERO, OptionalInt.empty(), OptionalInt.empty(), Answer.NORMAL);

    static final Set<String> KEYS = Set.of("time-to-first-token", "tokens-per-second", "error-rate", "error-status",
            "stall-after-tokens", "stall-for", "fail-after-tokens", "answer");

    /** The kind of answer the simulated model gives; everything but {@code normal} is deliberately poor. */
    public enum Answer {
        NORMAL("normal"), REFUSAL("refusal"), DONT_KNOW("dont-know"), EMPTY("empty"), TRUNCATED("truncated"),
        INVALID_JSON("invalid-json");

        private final String key;

        Answer(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        static Optional<Answer> of(String key) {
            for (Answer a : values()) if (a.key.equals(key)) return Optional.of(a);
            return Optional.empty();
        }
    }

    private static final String H_TTFT = "x-simulation-ttft-ms";
    private static final String H_TPS = "x-simulation-tokens-per-second";
    private static final String H_ERROR_RATE = "x-simulation-error-rate";
    private static final String H_ERROR_STATUS = "x-simulation-error-status";
    private static final String H_STALL_AFTER = "x-simulation-stall-after-tokens";
    private static final String H_STALL_FOR = "x-simulation-stall-ms";
    private static final String H_FAIL_AFTER = "x-simulation-fail-after-tokens";
    private static final String H_CONTEXT = "x-simulation-context-window";
    private static final String H_ANSWER = "x-simulation-answer";

    /** Reads and validates a deployment's knobs; a bad value throws a {@link ConfigException} naming its key. */
    public static SimulationSettings of(Deployment target, Function<String, String> env) {
        ConfigNode node = new ConfigNode(target.params().get("simulation"),
                "model_list[id=" + target.id() + "].litellm_params.simulation", env);
        return parse(node).withContextWindow(target.info().contextWindow());
    }

    /** Validates a {@code simulation} mapping; usable by a config loader that knows the exact key path. */
    public static SimulationSettings parse(ConfigNode node) {
        if (!node.present()) return NONE;
        node.onlyKeys(KEYS);
        Duration ttft = zeroOr(node.get("time-to-first-token"));
        double tps = node.get("tokens-per-second").number(Double.POSITIVE_INFINITY, 0.001, 1_000_000);
        double errorRate = node.get("error-rate").number(0, 0, 1);
        int errorStatus = node.get("error-status").integer(500, 400, 599);
        OptionalInt stallAfter = node.get("stall-after-tokens").integer(0, Integer.MAX_VALUE);
        ConfigNode stallForNode = node.get("stall-for");
        if (stallAfter.isPresent() && !stallForNode.present()) throw stallForNode.error("is required with stall-after-tokens");
        if (stallAfter.isEmpty() && stallForNode.present()) {
            throw node.get("stall-after-tokens").error("is required with stall-for");
        }
        Duration stallFor = stallForNode.duration(Duration.ZERO);
        OptionalInt failAfter = node.get("fail-after-tokens").integer(0, Integer.MAX_VALUE);
        String answerKey = node.get("answer").string(Answer.NORMAL.key());
        Answer answer = Answer.of(answerKey).orElseThrow(() -> node.get("answer").error(
                "must be normal, refusal, dont-know, empty, truncated or invalid-json (was '" + answerKey + "')"));
        return new SimulationSettings(ttft, tps, errorRate, errorStatus, stallAfter, stallFor, failAfter, OptionalInt.empty(),
                answer);
    }

    /** "0" means no delay; anything else must be a positive duration. */
    private static Duration zeroOr(ConfigNode n) {
        if (n.present() && n.raw().isValueNode() && n.raw().asText().trim().matches("0+(\\.0+)?\\s*(ms|s|m|h)?")) {
            return Duration.ZERO;
        }
        return n.duration(Duration.ZERO);
    }

    SimulationSettings withContextWindow(int window) {
        return new SimulationSettings(timeToFirstToken, tokensPerSecond, errorRate, errorStatus, stallAfterTokens, stallFor,
                failAfterTokens, OptionalInt.of(window), answer);
    }

    /** Nanoseconds to generate {@code tokens} tokens at the configured speed. */
    long nanosFor(long tokens) {
        if (Double.isInfinite(tokensPerSecond) || tokens <= 0) return 0;
        return (long) (tokens * 1_000_000_000d / tokensPerSecond);
    }

    void writeTo(WireHeaders.Builder h) {
        if (!timeToFirstToken.isZero()) h.add(H_TTFT, Long.toString(timeToFirstToken.toMillis()));
        if (!Double.isInfinite(tokensPerSecond)) h.add(H_TPS, Double.toString(tokensPerSecond));
        if (errorRate > 0) {
            h.add(H_ERROR_RATE, Double.toString(errorRate));
            h.add(H_ERROR_STATUS, Integer.toString(errorStatus));
        }
        stallAfterTokens.ifPresent(n -> {
            h.add(H_STALL_AFTER, Integer.toString(n));
            h.add(H_STALL_FOR, Long.toString(stallFor.toMillis()));
        });
        failAfterTokens.ifPresent(n -> h.add(H_FAIL_AFTER, Integer.toString(n)));
        contextWindow.ifPresent(n -> h.add(H_CONTEXT, Integer.toString(n)));
        if (answer != Answer.NORMAL) h.add(H_ANSWER, answer.key());
    }

    /** The knobs a request carries; absent or unreadable headers mean "no simulation effect". */
    static SimulationSettings from(WireHeaders h) {
        return new SimulationSettings(
                Duration.ofMillis(longHeader(h, H_TTFT).orElse(0L)),
                h.first(H_TPS).flatMap(SimulationSettings::parseDouble).filter(v -> v > 0).orElse(Double.POSITIVE_INFINITY),
                h.first(H_ERROR_RATE).flatMap(SimulationSettings::parseDouble).orElse(0d),
                longHeader(h, H_ERROR_STATUS).map(Long::intValue).orElse(500),
                intHeader(h, H_STALL_AFTER),
                Duration.ofMillis(longHeader(h, H_STALL_FOR).orElse(0L)),
                intHeader(h, H_FAIL_AFTER),
                intHeader(h, H_CONTEXT),
                h.first(H_ANSWER).flatMap(v -> Answer.of(v.trim())).orElse(Answer.NORMAL));
    }

    private static Optional<Long> longHeader(WireHeaders h, String name) {
        return h.first(name).flatMap(v -> {
            try {
                return Optional.of(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static OptionalInt intHeader(WireHeaders h, String name) {
        return longHeader(h, name).map(v -> OptionalInt.of(v.intValue())).orElse(OptionalInt.empty());
    }

    private static Optional<Double> parseDouble(String v) {
        try {
            return Optional.of(Double.parseDouble(v.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
