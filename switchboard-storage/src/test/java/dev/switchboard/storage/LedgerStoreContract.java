package dev.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.ledger.Feedback;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.ledger.LedgerStats;
import dev.switchboard.core.ledger.LedgerStore;
import dev.switchboard.core.ledger.StatsQuery;
import dev.switchboard.core.model.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every ledger store must do; each store's test class says how to open it. */
abstract class LedgerStoreContract {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123Z");

    private final List<LedgerStore> opened = new ArrayList<>();

    /** Opens the store under test; a second call opens the same database again. */
    protected abstract LedgerStore newStore();

    protected LedgerStore open() {
        LedgerStore s = newStore();
        opened.add(s);
        return s;
    }

    /** Runs after each test once its stores are closed: where a store's test removes what it created. */
    protected void cleanUp() {}

    @AfterEach
    void closeStores() {
        opened.forEach(LedgerStore::close);
        cleanUp();
    }

    /** A part of a decomposed request, priced at $0.20/$0.80 per M tokens, top tier at $3/$15. */
    static LedgerRecord part(String parent, int index, String type, int tier, String model, int in, int out) {
        return LedgerRecord.builder(parent + "." + index).time(T0.plusSeconds(index)).parent(parent, index)
                .caller("team-a").taskType(type).complexity(0.25 * tier).tier(tier).modelGroup(model)
                .deployment("tier" + tier + "-" + model, "simulated", model).latencyMs(100L * tier)
                .usage(Usage.of(in, out)).cost((in * 0.20 + out * 0.80) / 1e6, (in * 3.0 + out * 15.0) / 1e6, "2026-03")
                .attempts(1).router("utility").build();
    }

    @Test
    void storesEveryFieldOfARecordAndFindsItByRequestId() {
        LedgerStore store = open();
        LedgerRecord full = new LedgerRecord(T0, "req-full", Optional.empty(), 0, "key-7f3a", Optional.of("code_generation"),
                OptionalDouble.of(0.62), OptionalInt.of(3), "gemma3:4b", "tier3-gemma3:4b", "ollama", "gemma3:4b", 1834,
                new Usage(1200, 450, 800, 100, 200), 0.00123, 0.0231, "builtin-2026-03", "upstream_timeout", 2, 3,
                OptionalDouble.of(0.75), "utility");
        LedgerRecord sparse = LedgerRecord.builder("req-sparse").time(T0).caller("anonymous").modelGroup("gpt-4o")
                .deployment("gpt-4o#0", "openai", "gpt-4o-2024-08-06").router("model-group").build();

        store.append(List.of(full, sparse));

        assertThat(store.find("req-full")).containsExactly(full);
        assertThat(store.find("req-sparse")).containsExactly(sparse);
        assertThat(store.find("req-unknown")).isEmpty();
    }

    /** A client chooses the model name it sends: one with a NUL in it must not cost the batch's other records. */
    @Test
    void aNulInAClientsTextNeitherFailsTheBatchNorAFeedbackLookup() {
        LedgerStore store = open();
        LedgerRecord odd = LedgerRecord.builder("req-nul").time(T0).caller("team\0a").modelGroup("nope\0x")
                .deployment("", "", "").status("model_not_found").router("model-group").build();
        LedgerRecord other = part("req-ok", 0, "qa_simple", 1, "granite4.1:3b", 10, 20);

        store.append(List.of(odd, other));

        assertThat(store.find("req-ok")).containsExactly(other);
        assertThat(store.find("req-nul")).singleElement().satisfies(r -> {
            assertThat(r.modelGroup()).isEqualTo("nope\uFFFDx");
            assertThat(r.caller()).isEqualTo("team\uFFFDa");
        });
        assertThat(store.stats(StatsQuery.ALL).callsByModel()).containsEntry("nope\uFFFDx", 1L);
        assertThat(store.attachFeedback("req-ok\0", Feedback.thumbs(true))).isZero();
        assertThat(store.find("req-ok\0")).isEmpty();
    }

    @Test
    void findsAWholeDecomposedRequestWithItsPartsInPromptOrder() {
        LedgerStore store = open();
        store.append(List.of(part("req-2", 1, "code_generation", 3, "gemma3:4b", 500, 900)));
        store.append(List.of(part("req-2", 0, "documentation", 1, "granite4.1:3b", 400, 700),
                part("req-9", 0, "qa_simple", 1, "granite4.1:3b", 10, 10)));

        assertThat(store.find("req-2")).extracting(LedgerRecord::requestId).containsExactly("req-2.0", "req-2.1");
        assertThat(store.find("req-2.1")).extracting(LedgerRecord::partIndex).containsExactly(1);
    }

    @Test
    void recordsSurviveClosingAndReopeningTheStore() {
        LedgerStore first = open();
        first.append(List.of(part("req-3", 0, "documentation", 1, "granite4.1:3b", 100, 200),
                part("req-3", 1, "reasoning", 4, "mistral-small3.2", 300, 400)));
        first.close();
        opened.remove(first);

        LedgerStore reopened = open();
        assertThat(reopened.find("req-3")).hasSize(2);
        assertThat(reopened.stats(StatsQuery.ALL).calls()).isEqualTo(2);
        reopened.append(List.of(part("req-4", 0, "qa_simple", 1, "granite4.1:3b", 5, 5)));
        assertThat(reopened.stats(StatsQuery.ALL).calls()).isEqualTo(3);
    }

    @Test
    void feedbackSetsTheQualityOfTheRequestAndEveryPartOfIt() {
        LedgerStore store = open();
        store.append(List.of(part("req-5", 0, "documentation", 1, "granite4.1:3b", 100, 200),
                part("req-5", 1, "code_generation", 3, "gemma3:4b", 300, 400),
                part("req-6", 0, "qa_simple", 1, "granite4.1:3b", 5, 5)));

        assertThat(store.attachFeedback("req-5", Feedback.thumbs(true))).isEqualTo(2);
        assertThat(store.attachFeedback("req-6.0", Feedback.score(0.4))).isEqualTo(1);
        assertThat(store.attachFeedback("req-unknown", Feedback.score(0.4))).isZero();

        assertThat(store.find("req-5")).allSatisfy(r -> assertThat(r.quality()).hasValue(1.0));
        assertThat(store.find("req-6")).singleElement().satisfies(r -> assertThat(r.quality()).hasValue(0.4));

        store.attachFeedback("req-5", Feedback.thumbs(false));
        assertThat(store.find("req-5")).allSatisfy(r -> assertThat(r.quality()).hasValue(0.0));
    }

    /**
     * A rating is about the answer the client got: it reached a cascade's rejected tier and its judge too (crediting
     * the rejected model with the served one's quality in the stats), and a split request's failed part.
     */
    @Test
    void feedbackReachesOnlyTheRecordsWhoseAnswerTheClientGot() {
        LedgerStore store = open();
        LedgerRecord rejected = tier("req-c", 1, "cascade_rejected");
        LedgerRecord judge = LedgerRecord.builder("req-c.t2" + LedgerRecord.GRADING_SUFFIX).time(T0).parent("req-c", 2)
                .caller("team-a").modelGroup("judge").deployment("judge#0", "simulated", "judge").router("model-group").build();
        LedgerRecord served = tier("req-c", 2, LedgerRecord.OK);
        LedgerRecord failedPart = LedgerRecord.builder("req-s.1").time(T0).parent("req-s", 1).caller("team-a")
                .modelGroup("gemma3:4b").deployment("tier3-gemma3:4b", "simulated", "gemma3:4b").status("upstream_timeout")
                .router("utility").build();
        store.append(List.of(rejected, judge, served, part("req-s", 0, "documentation", 1, "granite4.1:3b", 10, 20), failedPart));

        assertThat(store.attachFeedback("req-c", Feedback.score(0.9))).isEqualTo(1);
        assertThat(store.attachFeedback("req-s", Feedback.score(0.6))).isEqualTo(1);

        assertThat(store.find("req-c")).extracting(r -> r.requestId() + " " + r.quality())
                .containsExactlyInAnyOrder("req-c.t1 OptionalDouble.empty", "req-c.t2.judge OptionalDouble.empty",
                        "req-c.t2 OptionalDouble[0.9]");
        assertThat(store.find("req-s")).extracting(r -> r.requestId() + " " + r.quality())
                .containsExactly("req-s.0 OptionalDouble[0.6]", "req-s.1 OptionalDouble.empty");
        assertThat(store.attachFeedback("req-c.t1", Feedback.score(0.1))).as("a record named itself").isEqualTo(1);
    }

    private static LedgerRecord tier(String parent, int tier, String status) {
        return LedgerRecord.builder(parent + ".t" + tier).time(T0).parent(parent, tier - 1).caller("team-a")
                .modelGroup("tier" + tier).deployment("tier" + tier + "#0", "simulated", "tier" + tier).usage(Usage.of(10, 20))
                .status(status).router("model-group").build();
    }

    @Test
    void statsCountCallsCostQualityAndBreakdownsByTierModelAndType() {
        LedgerStore store = open();
        LedgerRecord failed = LedgerRecord.builder("req-8").time(T0).caller("team-b").modelGroup("gpt-4o")
                .deployment("gpt-4o#0", "openai", "gpt-4o").status("rate_limit_exceeded").attempts(3).fallbacksUsed(1)
                .router("model-group").build();
        store.append(List.of(part("req-7", 0, "documentation", 1, "granite4.1:3b", 1000, 2000),
                part("req-7", 1, "code_generation", 3, "gemma3:4b", 1000, 2000),
                part("req-7", 2, "documentation", 1, "granite4.1:3b", 1000, 2000), failed));
        store.attachFeedback("req-7.0", Feedback.score(0.5));
        store.attachFeedback("req-7.1", Feedback.score(1.0));

        LedgerStats s = store.stats(StatsQuery.ALL);

        assertThat(s.calls()).isEqualTo(4);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.totalCostUsd()).isCloseTo(3 * (1000 * 0.20 + 2000 * 0.80) / 1e6, within(1e-12));
        assertThat(s.ratedCalls()).isEqualTo(2);
        assertThat(s.averageQuality().getAsDouble()).isCloseTo(0.75, within(1e-9));
        assertThat(s.callsByTier()).isEqualTo(Map.of(1, 2L, 3, 1L));
        assertThat(s.callsByModel()).isEqualTo(Map.of("granite4.1:3b", 2L, "gemma3:4b", 1L, "gpt-4o", 1L));
        assertThat(s.callsByTaskType()).isEqualTo(Map.of("documentation", 2L, "code_generation", 1L));
    }

    /**
     * A cascade tier whose answer was escalated past and a stream its client stopped reading are no failures: they are
     * counted by status, not as errors.
     */
    @Test
    void statsCountOnlyFailuresAsErrorsAndEveryStatusApart() {
        LedgerStore store = open();
        LedgerRecord closed = LedgerRecord.builder("req-13").time(T0).caller("team-a").modelGroup("llama3.2")
                .deployment("llama3.2#0", "simulated", "llama3.2").status("client_closed").router("model-group").build();
        LedgerRecord timedOut = LedgerRecord.builder("req-14").time(T0).caller("team-a").modelGroup("llama3.2")
                .deployment("llama3.2#0", "simulated", "llama3.2").status("upstream_timeout").router("model-group").build();
        store.append(List.of(tier("req-c2", 1, "cascade_rejected"), tier("req-c2", 2, LedgerRecord.OK), closed, timedOut,
                part("req-15", 0, "documentation", 1, "granite4.1:3b", 1, 1)));

        LedgerStats s = store.stats(StatsQuery.ALL);

        assertThat(s.calls()).isEqualTo(5);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.callsByStatus()).isEqualTo(Map.of(LedgerRecord.OK, 2L, "cascade_rejected", 1L, "client_closed", 1L,
                "upstream_timeout", 1L));
    }

    @Test
    void statsReportSavingsVersusSendingEveryPartToTheTopTierModel() {
        LedgerStore store = open();
        store.append(List.of(part("req-10", 0, "documentation", 1, "granite4.1:3b", 2_000, 1_000),
                part("req-10", 1, "reasoning", 4, "mistral-small3.2", 4_000, 3_000)));

        LedgerStats s = store.stats(StatsQuery.ALL);

        double actual = (6_000 * 0.20 + 4_000 * 0.80) / 1e6;     // $0.0044
        double topTier = (6_000 * 3.0 + 4_000 * 15.0) / 1e6;    // $0.078
        assertThat(s.totalCostUsd()).isCloseTo(actual, within(1e-12));
        assertThat(s.topTierCostUsd()).isCloseTo(topTier, within(1e-12));
        assertThat(s.savingsUsd()).isCloseTo(topTier - actual, within(1e-12));
        assertThat(s.savingsShare()).isCloseTo(1 - actual / topTier, within(1e-9));
    }

    @Test
    void statsCoverOnlyTheAskedTimeSpanAndCaller() {
        LedgerStore store = open();
        LedgerRecord otherCaller = LedgerRecord.builder("req-12").time(T0.plusSeconds(5)).caller("team-b")
                .modelGroup("llama3.2").build();
        store.append(List.of(part("req-11", 0, "documentation", 1, "granite4.1:3b", 1, 1),
                part("req-11", 1, "documentation", 1, "granite4.1:3b", 1, 1),
                part("req-11", 2, "documentation", 1, "granite4.1:3b", 1, 1), otherCaller));

        assertThat(store.stats(StatsQuery.since(T0.plusSeconds(1))).calls()).isEqualTo(3);
        assertThat(store.stats(new StatsQuery(Optional.of(T0), Optional.of(T0.plusSeconds(2)), Optional.empty())).calls())
                .isEqualTo(2);
        assertThat(store.stats(StatsQuery.ALL.forCaller("team-b")).callsByModel()).isEqualTo(Map.of("llama3.2", 1L));
    }

    @Test
    void statsCoverOneRequestAndItsPartsWhenAsked() {
        LedgerStore store = open();
        LedgerRecord whole = LedgerRecord.builder("req-17").time(T0).caller("team-a").modelGroup("llama3.2").build();
        store.append(List.of(part("req-16", 0, "documentation", 1, "granite4.1:3b", 1000, 2000),
                part("req-16", 1, "code_generation", 3, "gemma3:4b", 1000, 2000), whole,
                part("req-160", 0, "qa_simple", 1, "granite4.1:3b", 1, 1)));

        LedgerStats parts = store.stats(StatsQuery.forRequest("req-16"));
        assertThat(parts.calls()).isEqualTo(2);
        assertThat(parts.callsByTaskType()).isEqualTo(Map.of("documentation", 1L, "code_generation", 1L));
        assertThat(parts.totalCostUsd()).isCloseTo(2 * (1000 * 0.20 + 2000 * 0.80) / 1e6, within(1e-12));
        assertThat(store.stats(StatsQuery.forRequest("req-17")).calls()).isEqualTo(1);
        assertThat(store.stats(StatsQuery.forRequest("req-16").forCaller("team-b")).calls()).isZero();
        assertThat(store.stats(StatsQuery.forRequest("req-unknown")).calls()).isZero();
    }

    @Test
    void anEmptyLedgerHasZeroCallsAndNoAverageQuality() {
        LedgerStats s = open().stats(StatsQuery.ALL);
        assertThat(s.calls()).isZero();
        assertThat(s.totalCostUsd()).isZero();
        assertThat(s.averageQuality()).isEmpty();
        assertThat(s.savingsShare()).isZero();
        assertThat(s.callsByTier()).isEmpty();
    }
}
