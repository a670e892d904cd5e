package opensafely.lsp.runner;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs the real docker client (the executable on PATH, or a given path). Output is read on its own thread so a
 * chatty command never blocks on a full pipe; only the last lines are kept, so none can exhaust memory; a line
 * longer than {@link #MAX_LINE} characters is cut.
 */
public final class ProcessDockerCli implements DockerCli {
    static final int KEPT_LINES = 200;
    static final int MAX_LINE = 16_384;
    /** How often a running client is asked whether to stop: short enough for Ctrl-C to feel immediate. */
    private static final long POLL_MILLIS = 100;

    private final String executable;

    public ProcessDockerCli(String executable) {
        this.executable = executable;
    }

    public ProcessDockerCli() {
        this("docker");
    }

    @Override
    public Result run(List<String> args, Map<String, String> env, Duration timeout, Consumer<String> lines, BooleanSupplier stop)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        Deque<String> kept = new ArrayDeque<>();
        Thread reader = new Thread(() -> read(p, lines, kept), "docker " + (args.isEmpty() ? "" : args.get(0)));
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        boolean stopped = false;
        boolean timedOut = false;
        while (!p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (stop.getAsBoolean()) {
                stopped = true;
                break;
            }
            if (System.nanoTime() > deadline) {
                timedOut = true;
                break;
            }
        }
        if (stopped || timedOut) {
            LocalExecutor.stopTree(p);
            p.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        List<String> output;
        synchronized (kept) {
            output = new ArrayList<>(kept);
        }
        return new Result(stopped || timedOut ? -1 : p.exitValue(), output, stopped, timedOut);
    }

    private static void read(Process p, Consumer<String> lines, Deque<String> kept) {
        try (Reader r = new java.io.BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = boundedLine(r)) != null) {
                synchronized (kept) {
                    kept.addLast(line);
                    if (kept.size() > KEPT_LINES) kept.removeFirst();
                }
                lines.accept(line);
            }
        } catch (IOException e) {
            // The process was stopped: its pipe closes under the reader, and what was read is kept.
        }
    }

    /**
     * The next line without its line ending (\n or \r\n), cut at {@link #MAX_LINE} characters with the rest of it
     * skipped, so a job that prints megabytes without a newline costs no memory; null at the end.
     */
    static String boundedLine(Reader r) throws IOException {
        StringBuilder b = new StringBuilder();
        boolean cut = false;
        int c;
        while ((c = r.read()) != -1 && c != '\n') {
            if (b.length() < MAX_LINE) b.append((char) c);
            else cut = true;
        }
        if (c == -1 && b.length() == 0 && !cut) return null;
        if (b.length() > 0 && b.charAt(b.length() - 1) == '\r') b.setLength(b.length() - 1);
        return cut ? b.append('…').toString() : b.toString();
    }
}
