package opensafely.lsp.lsp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The recent analysis times of each open document, measured on a clock that tests can replace, and the
 * debounce they give ({@link DebouncePolicy}).
 */
final class AnalysisTimes {
    private final DebouncePolicy policy;
    private final LongSupplier nanoClock;
    private final Map<String, long[]> recent = new ConcurrentHashMap<>();

    AnalysisTimes(DebouncePolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
    }

    /** Runs one analysis of the document and remembers how long it took (also when it fails). */
    <T> T timed(String uri, Supplier<T> analysis) {
        long start = nanoClock.getAsLong();
        try {
            return analysis.get();
        } finally {
            record(uri, nanoClock.getAsLong() - start);
        }
    }

    void record(String uri, long nanos) {
        recent.compute(uri, (k, old) -> {
            long[] times = old == null ? new long[0] : old;
            int keep = Math.min(times.length, policy.window() - 1);
            long[] next = new long[keep + 1];
            System.arraycopy(times, times.length - keep, next, 0, keep);
            next[keep] = Math.max(0, nanos);
            return next;
        });
    }

    /** How long to wait after a change of this document before analysing it. */
    long debounceMillis(String uri) {
        return policy.delayMillis(recent.getOrDefault(uri, new long[0]));
    }

    /** The document was closed: its next open starts afresh. */
    void forget(String uri) {
        recent.remove(uri);
    }
}
