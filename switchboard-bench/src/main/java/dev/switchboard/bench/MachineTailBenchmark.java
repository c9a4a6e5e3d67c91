package dev.switchboard.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The machine's own tail: a fixed amount of pure CPU work (no allocation, no memory traffic), sampled like the
 * gateway's benchmarks. Whatever its p99 adds over its p50 is the machine's (timer interrupts, the hypervisor),
 * not the code's — the yardstick for reading the µs-scale p99s of the other benchmarks.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
public class MachineTailBenchmark extends GatewayJvmBenchmark {
    /** Blackhole.consumeCPU tokens: roughly 2, 5, 10 and 20 µs of work on the machine the README numbers come from. */
    @Param({"1000", "2500", "5000", "10000"})
    public long tokens;

    @Benchmark
    public void fixedWork() {
        Blackhole.consumeCPU(tokens);
    }
}
