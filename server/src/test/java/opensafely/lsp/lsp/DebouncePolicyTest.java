package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The debounce follows how long a document's analyses take: a fake clock stands for the time an analysis
 * runs, so nothing here sleeps.
 */
class DebouncePolicyTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong();
    private final AnalysisTimes times = new AnalysisTimes(DebouncePolicy.ADAPTIVE, clock::get);

    /** One analysis of {@code uri} that takes {@code millis} on the fake clock. */
    private void analysis(String uri, long millis) {
        times.timed(uri, () -> clock.addAndGet(millis * MS));
    }

    @Test
    void aQuickAnalysisPublishesAfterTheMinimumWait() {
        analysis("a", 900); // the open: cold, the whole file
        analysis("a", 8);
        analysis("a", 6);
        assertEquals(30, times.debounceMillis("a"));
    }

    @Test
    void theWaitFollowsTheMedianAnalysisTimeOfThatDocument() {
        for (long ms : new long[] {120, 140, 800, 160, 150}) analysis("slow", ms); // one slow outlier does not count
        analysis("quick", 5);
        assertEquals(75, times.debounceMillis("slow")); // half the median
        assertEquals(30, times.debounceMillis("quick"));
    }

    @Test
    void aSlowDocumentWaitsAtMostTheOldFixedDebounce() {
        analysis("huge", 900);
        analysis("huge", 700);
        assertEquals(200, times.debounceMillis("huge"));
    }

    @Test
    void onlyTheRecentAnalysesCount() {
        for (int i = 0; i < 7; i++) analysis("a", 300);
        assertEquals(150, times.debounceMillis("a"));
        for (int i = 0; i < 4; i++) analysis("a", 80); // the document got quicker (an edit that splices)
        assertEquals(40, times.debounceMillis("a"));
    }

    @Test
    void anAnalysisThatFailsStillCounts() {
        try {
            times.timed("a", () -> {
                clock.addAndGet(240 * MS);
                throw new StackOverflowError();
            });
        } catch (StackOverflowError expected) {
            // the publisher reports it as analysis-incomplete
        }
        assertEquals(120, times.debounceMillis("a"));
    }

    @Test
    void withNoHistoryOrAfterCloseTheWaitIsTheMaximum() {
        assertEquals(200, times.debounceMillis("never"));
        analysis("a", 10);
        times.forget("a");
        assertEquals(200, times.debounceMillis("a"));
    }

    @Test
    void aFixedPolicyIgnoresTheHistory() {
        DebouncePolicy fixed = DebouncePolicy.fixed(Duration.ofMillis(300));
        assertEquals(300, fixed.delayMillis(new long[] {5 * MS}));
        assertEquals(300, fixed.delayMillis(new long[0]));
    }

    @Test
    void theRatioScalesTheWait() {
        DebouncePolicy half = new DebouncePolicy(Duration.ofMillis(10), Duration.ofMillis(500), 0.5, 3);
        assertEquals(50, half.delayMillis(new long[] {100 * MS, 100 * MS, 100 * MS}));
        assertEquals(10, half.delayMillis(new long[] {MS}));
    }
}
