package dev.switchboard.core.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory store that remembers every call made to it, in order, for the ledger's queue tests. */
final class RecordingLedgerStore implements LedgerStore {
    final List<List<LedgerRecord>> batches = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile boolean failAppends;
    volatile boolean unavailable;
    /** Appends throw this Error (then clear it), as a native driver's failure would. */
    volatile Error errorOnce;
    volatile boolean closed;

    @Override
    public void append(List<LedgerRecord> records) {
        calls.add("append " + records.size());
        if (failAppends) throw new IllegalStateException("disk full");
        Error error = errorOnce;
        if (error != null) {
            errorOnce = null;
            throw error;
        }
        if (unavailable) throw new LedgerStoreUnavailableException("connection refused", null);
        batches.add(List.copyOf(records));
    }

    @Override
    public int attachFeedback(String requestId, Feedback feedback) {
        calls.add("feedback " + requestId);
        if (unavailable) throw new LedgerStoreUnavailableException("connection refused", null);
        return find(requestId).size();
    }

    @Override
    public List<LedgerRecord> find(String requestId) {
        return records().stream()
                .filter(r -> r.requestId().equals(requestId) || r.parentRequestId().filter(requestId::equals).isPresent())
                .toList();
    }

    @Override
    public LedgerStats stats(StatsQuery query) {
        throw new UnsupportedOperationException("the queue tests do not read statistics");
    }

    @Override
    public void close() {
        calls.add("close");
        closed = true;
    }

    List<LedgerRecord> records() {
        List<LedgerRecord> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    List<Integer> batchSizes() {
        return batches.stream().map(List::size).toList();
    }
}
