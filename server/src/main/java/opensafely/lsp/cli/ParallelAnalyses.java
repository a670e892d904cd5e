package opensafely.lsp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs `check`'s per-file analyses on as many threads as the machine has cores, and gives their results in the
 * order of the tasks, so the report is the same byte for byte as one made on one thread. A failure is the first
 * in task order, as on one thread: an unreadable file named after a file whose analysis is a bug still ends
 * with that bug's exit 2.
 *
 * <p>Each thread has {@link Guard}'s large stack: an analysis recurses once per nested level of the user's
 * expression. Where the machine cannot give that stack, or has one core, the tasks run on the calling thread.
 */
final class ParallelAnalyses {
    /** The number of threads, for tests and measurements: {@code -Dopensafely.lsp.checkThreads=1} is the serial check. */
    static final String THREADS_PROPERTY = "opensafely.lsp.checkThreads";

    /** One file's work: its result, or a failure that ends `check`. */
    interface Task<T> {
        T run() throws Exception;
    }

    private ParallelAnalyses() {
    }

    /**
     * At most this many analyses at once, whatever the cores: each holds its file's trees in the heap (and reserves a
     * large stack), and a study has a handful of definitions worth running side by side.
     */
    static final int MAX_THREADS = 4;

    /** How many threads to use for this many tasks. */
    static int threads(int tasks) {
        int cores = Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
        String forced = System.getProperty(THREADS_PROPERTY);
        if (forced != null) {
            try {
                cores = Integer.parseInt(forced.strip());
            } catch (NumberFormatException e) {
                // an unusable value: the machine's cores
            }
        }
        return Math.max(1, Math.min(cores, tasks));
    }

    /** The tasks' results in their order; the first failure in that order is thrown as the task threw it. */
    static <T> List<T> run(List<Task<T>> tasks) throws Exception {
        int threads = threads(tasks.size());
        if (threads <= 1) return serially(tasks);
        ExecutorService pool = Executors.newFixedThreadPool(threads, deepStacks());
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Task<T> t : tasks) futures.add(pool.submit(t::run));
        } catch (OutOfMemoryError e) {
            // No address space for the large stacks (a tight ulimit -v): what was started is abandoned, all run here.
            pool.shutdownNow();
            return serially(tasks);
        }
        try {
            List<T> out = new ArrayList<>(tasks.size());
            for (Future<T> f : futures) out.add(resultOf(f));
            return out;
        } finally {
            pool.shutdownNow(); // after a failure, what is still queued is not worth running
        }
    }

    /**
     * Runs work that only warms the JVM (loads and compiles classes a task will need) on a spare core, if there is
     * one, while the calling thread goes on; its result and any failure are dropped.
     */
    static void warmUpInBackground(Runnable work) {
        if (threads(2) < 2) return;
        Runnable quiet = () -> {
            try {
                work.run();
            } catch (Throwable ignored) { // StackOverflowError included: only a warm-up
            }
        };
        try {
            deepStacks().newThread(quiet).start();
        } catch (OutOfMemoryError e) {
            // no address space for another large stack: no warm-up
        }
    }

    private static <T> List<T> serially(List<Task<T>> tasks) throws Exception {
        List<T> out = new ArrayList<>(tasks.size());
        for (Task<T> t : tasks) out.add(t.run());
        return out;
    }

    private static <T> T resultOf(Future<T> f) throws Exception {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // as Guard: the check decides when it is done
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception x) throw x;
                    if (cause instanceof Error x) throw x; // StackOverflowError, OutOfMemoryError: Guard says them in words
                    throw e;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory deepStacks() {
        AtomicInteger n = new AtomicInteger();
        return body -> {
            Thread t = new Thread(null, body, "opensafely-lsp-check-" + n.incrementAndGet(), Guard.STACK_BYTES);
            t.setDaemon(true); // never keeps the JVM alive after the report
            return t;
        };
    }
}
