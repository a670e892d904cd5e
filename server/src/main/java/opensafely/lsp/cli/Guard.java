package opensafely.lsp.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Runs a command so that it always ends with an exit code and, for a failure, one line on stderr
 * (CONTRACT.md: exit 2 for an internal error), never a stack trace, unless {@value #DEBUG_VARIABLE} is set.
 *
 * <p>The command runs on its own thread with a large stack. Parsing and evaluating a deeply nested
 * expression (5,000 chained {@code +} in a study definition) recurses once per level, and the default
 * stack of a few hundred kilobytes would overflow on input that is perfectly valid. The stack is
 * reserved address space, not memory: only the pages a deep recursion touches are ever used.
 */
final class Guard {
    static final String DEBUG_VARIABLE = "OPENSAFELY_LSP_DEBUG";
    /** Enough for tens of thousands of nested levels; costs nothing until used. */
    static final long STACK_BYTES = 1L << 30;

    private Guard() {
    }

    static int run(Callable<Integer> command, PrintStream err) {
        return run(command, err, System::getenv);
    }

    static int run(Callable<Integer> command, PrintStream err, Function<String, String> environment) {
        int[] exit = {2};
        Throwable[] failure = {null};
        Runnable body = () -> {
            try {
                exit[0] = command.call();
            } catch (Throwable t) { // an Error too: nothing may escape as a stack trace
                failure[0] = t;
            }
        };
        Thread worker = new Thread(null, body, "opensafely-lsp", STACK_BYTES);
        try {
            worker.start();
        } catch (OutOfMemoryError e) {
            // No address space for the large stack (a tight ulimit -v): run with the ordinary one.
            worker = new Thread(body, "opensafely-lsp");
            worker.start();
        }
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the command decides when it is done; keep waiting
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] != null) {
            report(failure[0], err, environment);
            return 2;
        }
        return exit[0];
    }

    /** One line for a failure, plus the stack trace when {@value #DEBUG_VARIABLE} is set. */
    static void report(Throwable t, PrintStream err, Function<String, String> environment) {
        err.println("opensafely-lsp: " + describe(t));
        String debug = environment.apply(DEBUG_VARIABLE);
        if (debug != null && !debug.isEmpty()) {
            t.printStackTrace(err);
        }
        err.flush();
    }

    static String describe(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "ran out of memory (Java may use at most " + Memory.describe(Runtime.getRuntime().maxMemory())
                    + "); give it more with `java -Xmx4g -jar ...`, or ask for less.";
        }
        if (t instanceof StackOverflowError) {
            return "the input nests too deeply to analyse. Split the deepest expression into smaller ones.";
        }
        String message = t.getMessage() == null ? "" : ": " + firstLine(t.getMessage());
        return "internal error (" + t.getClass().getSimpleName() + message + "). This is a bug; run again with "
                + DEBUG_VARIABLE + "=1 to see where it happened, and report it.";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** Sizes of memory in words people read. */
    static final class Memory {
        private Memory() {
        }

        static String describe(long bytes) {
            if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
            return (bytes >> 20) + " MB";
        }
    }
}
