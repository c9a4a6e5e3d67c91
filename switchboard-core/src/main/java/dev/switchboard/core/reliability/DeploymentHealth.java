package dev.switchboard.core.reliability;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ReliabilitySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per deployment, plus the live numbers load balancing reads (requests in flight,
 * latency moving average).
 *
 * <p>Closed: calls pass; {@code failureThreshold} failures within {@code failureWindow}, or a 429 with
 * {@code Retry-After}, open the circuit. Open: the deployment is skipped until its cool-down ends
 * (the 429's {@code Retry-After}, capped at {@code maxRetryAfter}, or {@code coolDown}). Half-open: the
 * first call after the cool-down is the single probe; others are still skipped. The probe's success
 * closes the circuit (the deployment gets traffic back at once); its failure opens it for another
 * cool-down.
 *
 * <p>Failures are retryable errors and upstream auth/not-found answers (the deployment is
 * misconfigured); a 400-class answer about the request itself means the deployment is up.
 *
 * <p>With a {@link SharedState} (Redis), a circuit that opens records its cool-down there and every replica skips the
 * deployment until it ends. Only that is shared: failure counts stay per replica (a deployment that is down fails
 * every replica's calls, so each reaches the threshold on its own, and counting needs no write per failure), and so
 * does the half-open probe (one probe per replica is a handful of calls, where a shared probe lock would need a
 * lease and leave the deployment skipped by all if the replica holding it died). Latency and in-flight counts are
 * this replica's own view by nature.
 */
public final class DeploymentHealth {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * One deployment's health, for {@code /health/deployments} and {@code /v1/models} metadata.
     *
     * @param recentFailures failures within the current window
     * @param coolDownUntil when an open circuit lets its probe through
     * @param latencyMillis moving average of time to answer (first chunk for streams)
     */
    public record Status(String deploymentId, State state, int recentFailures, Optional<Instant> coolDownUntil,
            Optional<String> lastError, int inFlight, OptionalDouble latencyMillis, long successes, long failures) {
        public boolean available() {
            return state == State.CLOSED;
        }
    }

    private final Ticker ticker;
    private final int failureThreshold;
    private final long windowNanos;
    private final long coolDownNanos;
    private static final Duration LONGEST_ASK = Duration.ofDays(1);
    private final long maxRetryAfterNanos;
    private final double ewmaAlpha;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    private final SharedState shared;

    public DeploymentHealth(ReliabilitySettings settings, Collection<Deployment> deployments, Ticker ticker) {
        this(settings, deployments, ticker, Optional.empty());
    }

    /** Cool-downs shared between replicas through {@code shared} when present. */
    public DeploymentHealth(ReliabilitySettings settings, Collection<Deployment> deployments, Ticker ticker,
            Optional<SharedState> shared) {
        this.ticker = ticker;
        this.shared = shared.orElse(null);
        this.failureThreshold = settings.failureThreshold();
        this.windowNanos = settings.failureWindow().toNanos();
        this.coolDownNanos = settings.coolDown().toNanos();
        this.maxRetryAfterNanos = settings.maxRetryAfter().toNanos();
        this.ewmaAlpha = settings.latencyEwmaAlpha();
        for (Deployment d : deployments) circuits.put(d.id(), new Circuit(d.id()));
        if (this.shared != null) this.shared.onCoolDown(this::coolDownElsewhere);
    }

    /**
     * Another replica opened the deployment's circuit until {@code untilEpochMillis}: skip it here too, unless this
     * circuit already stays open as long (its own cool-down, read back from the store, changes nothing).
     */
    void coolDownElsewhere(String deploymentId, long untilEpochMillis) {
        Circuit c = circuits.get(deploymentId);
        if (c == null) return;
        long nowMillis = ticker.epochMillis();
        long now = ticker.nanoTime();
        long until = now + Math.max(0, untilEpochMillis - nowMillis) * 1_000_000;
        synchronized (c) {
            if (until <= now || (c.state == State.OPEN && c.openUntil >= until - 5_000_000)) return;
            if (c.state != State.OPEN) {
                c.askedUntil = 0;
                c.openedAtMillis = nowMillis;
                c.openedAtNanos = now;
            }
            c.state = State.OPEN;
            c.openUntil = Math.max(until, c.openUntil);
            c.probing = false;
            if (c.lastError.isEmpty()) c.lastError = Optional.of("cool-down set by another replica");
        }
    }

    /**
     * Admits a call to the deployment, or throws {@link GatewayException.Overloaded} (retryable, so the
     * fallback stage moves on) while its circuit is open or its probe is out.
     */
    public Call admit(String deploymentId) {
        Circuit c = circuit(deploymentId);
        long now = ticker.nanoTime();
        boolean probe;
        synchronized (c) {
            if (c.state == State.OPEN && now >= c.openUntil) {
                c.state = State.HALF_OPEN;
                c.probing = false;
            }
            if (c.state == State.OPEN || (c.state == State.HALF_OPEN && c.probing)) {
                // Retry-After says how long the upstream asked for, even where the circuit reopens sooner (capped at
                // max-retry-after): a caller that would wait longer than that fails over instead of waiting it out.
                long until = c.state == State.OPEN ? Math.max(c.openUntil, c.askedUntil) : c.openUntil;
                Duration wait = Duration.ofNanos(Math.max(0, until - now));
                throw new GatewayException.Overloaded("deployment '" + deploymentId + "' is cooling down after "
                        + "failures" + c.lastError.map(e -> " (last: " + e + ")").orElse(""), wait);
            }
            probe = c.state == State.HALF_OPEN;
            if (probe) c.probing = true;
            c.inFlight++;
        }
        return new Call(c, probe, now);
    }

    /** True when the deployment would refuse a call at {@code atNanos} (open, or half-open with its probe out). */
    public boolean blockedAt(String deploymentId, long atNanos) {
        Circuit c = circuit(deploymentId);
        synchronized (c) {
            return switch (c.state) {
                case CLOSED -> false;
                case OPEN -> atNanos < c.openUntil;
                case HALF_OPEN -> c.probing;
            };
        }
    }

    /** How long until the deployment takes calls again; zero when it does now. */
    public Duration blockedFor(String deploymentId) {
        Circuit c = circuit(deploymentId);
        long now = ticker.nanoTime();
        synchronized (c) {
            if (c.state == State.OPEN) return Duration.ofNanos(Math.max(0, c.openUntil - now));
            return Duration.ZERO;
        }
    }

    public int inFlight(String deploymentId) {
        Circuit c = circuit(deploymentId);
        synchronized (c) {
            return c.inFlight;
        }
    }

    /** The latency moving average in nanoseconds; empty before the first success. */
    public OptionalDouble latencyNanos(String deploymentId) {
        Circuit c = circuit(deploymentId);
        synchronized (c) {
            return Double.isNaN(c.ewmaNanos) ? OptionalDouble.empty() : OptionalDouble.of(c.ewmaNanos);
        }
    }

    public Status status(String deploymentId) {
        return circuit(deploymentId).status();
    }

    /** Every known deployment's health, in id order. */
    public List<Status> snapshot() {
        List<Status> out = new ArrayList<>();
        circuits.keySet().stream().sorted().forEach(id -> out.add(status(id)));
        return out;
    }

    /** Errors that say the deployment (not the request) is in trouble. */
    static boolean countsAsFailure(GatewayException e) {
        return e instanceof GatewayException.Retryable || e instanceof GatewayException.AuthenticationFailed
                || e instanceof GatewayException.PermissionDenied || e instanceof GatewayException.NotFound;
    }

    private Circuit circuit(String id) {
        return circuits.computeIfAbsent(id, Circuit::new);
    }

    /** One admitted call; report how it ended, then release it exactly once. */
    public final class Call {
        private final Circuit circuit;
        private final boolean probe;
        private final long startNanos;
        private boolean released;

        private Call(Circuit circuit, boolean probe, long startNanos) {
            this.circuit = circuit;
            this.probe = probe;
            this.startNanos = startNanos;
        }

        public boolean probe() {
            return probe;
        }

        /** The deployment answered; closes a half-open circuit and feeds the latency average. */
        public void succeeded() {
            long latency = ticker.nanoTime() - startNanos;
            synchronized (circuit) {
                circuit.successes++;
                circuit.ewmaNanos = Double.isNaN(circuit.ewmaNanos) ? latency
                        : ewmaAlpha * latency + (1 - ewmaAlpha) * circuit.ewmaNanos;
                if (circuit.state == State.HALF_OPEN) {
                    circuit.state = State.CLOSED;
                    circuit.failureTimes.clear();
                    circuit.probing = false;
                }
            }
        }

        /** The call failed; errors about the request itself count as the deployment answering. */
        public void failed(GatewayException e) {
            if (!countsAsFailure(e)) {
                succeeded();
                return;
            }
            long now = ticker.nanoTime();
            long publish = -1;
            synchronized (circuit) {
                circuit.failures++;
                circuit.lastError = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
                circuit.failureTimes.addLast(now);
                while (!circuit.failureTimes.isEmpty() && now - circuit.failureTimes.peekFirst() > windowNanos) {
                    circuit.failureTimes.pollFirst();
                }
                Optional<Duration> retryAfter = e instanceof GatewayException.RateLimited r ? r.retryAfter() : Optional.empty();
                long until = -1;
                if (circuit.state == State.HALF_OPEN) until = now + coolDownNanos;
                else if (circuit.failureTimes.size() >= failureThreshold) until = now + coolDownNanos;
                long asked = -1;
                if (retryAfter.isPresent() && !retryAfter.get().isZero()) {
                    long askedNanos = askedNanos(retryAfter.get());
                    asked = now + askedNanos;
                    until = Math.max(until, now + Math.min(askedNanos, maxRetryAfterNanos));
                }
                if (until >= 0) {
                    if (circuit.state != State.OPEN) circuit.askedUntil = 0;
                    circuit.askedUntil = Math.max(circuit.askedUntil, asked);
                    circuit.state = State.OPEN;
                    circuit.openUntil = Math.max(until, circuit.openUntil);
                    circuit.probing = false;
                    circuit.openedAtMillis = ticker.epochMillis();
                    circuit.openedAtNanos = now;
                    publish = circuit.openedAtMillis + (circuit.openUntil - now) / 1_000_000;
                }
            }
            if (publish >= 0 && shared != null) shared.publishCoolDown(circuit.id, publish);
        }

        /** Ends the call: no longer in flight; an unreported probe lets the next call probe instead. */
        public void release() {
            synchronized (circuit) {
                if (released) return;
                released = true;
                circuit.inFlight--;
                if (probe && circuit.state == State.HALF_OPEN) circuit.probing = false;
            }
        }
    }

    private final class Circuit {
        final String id;
        State state = State.CLOSED;
        final ArrayDeque<Long> failureTimes = new ArrayDeque<>();
        long openUntil;
        /** When the upstream's own Retry-After ends; later than openUntil when max-retry-after capped it. */
        long askedUntil;
        long openedAtNanos;
        long openedAtMillis;
        boolean probing;
        int inFlight;
        double ewmaNanos = Double.NaN;
        long successes;
        long failures;
        Optional<String> lastError = Optional.empty();

        Circuit(String id) {
            this.id = id;
        }

        synchronized Status status() {
            long now = ticker.nanoTime();
            State shown = state == State.OPEN && now >= openUntil ? State.HALF_OPEN : state;
            int recent = (int) failureTimes.stream().filter(t -> now - t <= windowNanos).count();
            Optional<Instant> until = state == State.OPEN
                    ? Optional.of(Instant.ofEpochMilli(openedAtMillis + (openUntil - openedAtNanos) / 1_000_000))
                    : Optional.empty();
            return new Status(id, shown, recent, until, lastError, inFlight,
                    Double.isNaN(ewmaNanos) ? OptionalDouble.empty() : OptionalDouble.of(ewmaNanos / 1e6), successes,
                    failures);
        }
    }

    /** A Retry-After in nanoseconds, at most a day: an absurd one (centuries) would overflow the clock arithmetic. */
    private static long askedNanos(Duration retryAfter) {
        return retryAfter.compareTo(LONGEST_ASK) > 0 ? LONGEST_ASK.toNanos() : retryAfter.toNanos();
    }
}
