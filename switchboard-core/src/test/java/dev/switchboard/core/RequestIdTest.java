package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdTest {
    /** The ledger's request-id index takes ids in clock order at its end, instead of on a random page each. */
    @Test
    void idsAreVersion7UuidsInTheOrderTheyWereMade() {
        long before = System.currentTimeMillis();
        String first = Switchboard.newRequestId();
        while (System.currentTimeMillis() <= before + 1) Thread.onSpinWait(); // the next millisecond or the one after
        String second = Switchboard.newRequestId();
        long after = System.currentTimeMillis();
        for (String id : new String[] {first, second}) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).as(id).isEqualTo(7);
            assertThat(uuid.variant()).as(id).isEqualTo(2);
            // Within a second of the clock: a virtual machine's wall clock may be stepped back by a few milliseconds.
            assertThat(millis(id)).as(id).isBetween(before - 1000, after + 1000);
        }
        // Ids sort as their milliseconds do (unless the clock stepped back between the two).
        if (millis(second) > millis(first)) assertThat(first).isLessThan(second);
    }

    private static long millis(String id) {
        return UUID.fromString(id).getMostSignificantBits() >>> 16;
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) ids.add(Switchboard.newRequestId());
        assertThat(ids).hasSize(100_000);
    }
}
