package opensafely.lsp.lsp;

import java.time.Duration;
import java.util.Arrays;

/**
 * How long the server waits after a document's last change before it analyses it.
 *
 * <p>Why adaptive (the policy clangd uses for its rebuilds): a fixed wait must be long enough for the slowest
 * document, so every quick analysis paid it too (200 ms, when a 1,200-action project.yaml re-analyses in tens of
 * milliseconds). Here the wait follows what analysing <em>this</em> document costs: {@code ratio} × the median
 * of its last {@code window} analysis times, clamped to [{@code min}, {@code max}]. A quick analysis publishes
 * almost at once; a slow one waits in proportion, so a burst of keystrokes closer together than that costs one
 * analysis. The ratio is 0.5 rather than clangd's 1 because the publisher already runs one analysis per
 * document at a time and folds every keystroke made meanwhile into one rerun of the newest version: the wait
 * only decides how soon the first keystroke of a burst starts work, so a long one buys little, and what a user
 * waits for is the wait plus the analysis. During continuous typing the server then works at most about two
 * thirds of the time on one core ({@code 1 / (1 + ratio)}). The median, not the mean, so that one slow run (the cold open, a collection, a
 * busy machine for a moment) does not set the wait; the lower median for an even count, so that one fast
 * edit after the slow open already counts. With no history yet (nothing analysed), the wait is {@code max}.
 * Unchanged: one analysis per document at a time, and only the newest version is ever started
 * ({@link DiagnosticsPublisher}).
 *
 * @param min the shortest wait, so that a key held down or a paste in several changes still coalesces
 * @param max the longest wait, for documents whose analysis is slow (the fixed wait of before)
 * @param ratio wait ÷ median analysis time
 * @param window how many recent analysis times of a document count
 */
public record DebouncePolicy(Duration min, Duration max, double ratio, int window) {
    /** The server's: half a typical analysis of the document, from 30 ms to 200 ms. */
    public static final DebouncePolicy ADAPTIVE = new DebouncePolicy(Duration.ofMillis(30), Duration.ofMillis(200), 0.5, 7);

    public DebouncePolicy {
        if (min.isNegative() || max.compareTo(min) < 0 || ratio < 0 || window < 1) {
            throw new IllegalArgumentException("debounce policy: need 0 <= min <= max, ratio >= 0, window >= 1");
        }
    }

    /** Always the same wait (tests that need a known debounce). */
    public static DebouncePolicy fixed(Duration wait) {
        return new DebouncePolicy(wait, wait, 1.0, 1);
    }

    /** The wait, in milliseconds, given a document's recent analysis times in nanoseconds (oldest first). */
    long delayMillis(long[] recentNanos) {
        if (min.equals(max)) return min.toMillis();
        if (recentNanos.length == 0) return max.toMillis();
        long[] last = Arrays.copyOfRange(recentNanos, Math.max(0, recentNanos.length - window), recentNanos.length);
        Arrays.sort(last);
        long median = last[(last.length - 1) / 2];
        long target = Math.round(ratio * median / 1e6);
        return Math.max(min.toMillis(), Math.min(max.toMillis(), target));
    }
}
