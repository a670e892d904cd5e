package opensafely.lsp.lsp;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends the server when the editor that started it dies without saying `exit` (LSP: processId in
 * initialize). A process id the server cannot see at all (the editor is in another PID namespace, as
 * with containers) is not watched, rather than taken for dead.
 */
final class ParentProcessWatcher {
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new DaemonThreads("opensafely-parent-watch"));

    /** Starts watching; returns false when the process is not visible from here. */
    boolean watch(long pid, Runnable onDeath, long periodMillis) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) return false;
        ProcessHandle handle = parent.get();
        handle.onExit().thenRun(onDeath); // immediate where the OS can wait on it
        timer.scheduleWithFixedDelay(() -> {
            if (!handle.isAlive()) onDeath.run();
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return true;
    }

    void stop() {
        timer.shutdownNow();
    }
}
