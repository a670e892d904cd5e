package opensafely.lsp.lsp;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads, so no worker of the server can keep the JVM alive after `exit`. */
final class DaemonThreads implements ThreadFactory {
    /**
     * Stack of the threads that analyse documents. The parsers and evaluators recurse once per nested
     * expression, so 5,000 chained `+` need ~16 MB, far beyond the JVM's 1 MB default. The size is only
     * reserved address space: pages are committed as the stack really grows.
     */
    static final long ANALYSIS_STACK_BYTES = 256L << 20;

    private final String prefix;
    private final long stackBytes;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String prefix) {
        this(prefix, 0);
    }

    /** @param stackBytes the threads' stack size, or 0 for the JVM's default */
    DaemonThreads(String prefix, long stackBytes) {
        this.prefix = prefix;
        this.stackBytes = stackBytes;
    }

    /** Threads for analysis work: deep stacks. */
    static DaemonThreads analysis(String prefix) {
        return new DaemonThreads(prefix, ANALYSIS_STACK_BYTES);
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(null, r, prefix + "-" + count.incrementAndGet(), stackBytes);
        t.setDaemon(true);
        return t;
    }
}
