package opensafely.lsp.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import opensafely.lsp.runner.DockerExecutor;
import opensafely.lsp.runner.Executor;
import opensafely.lsp.runner.Executors;
import opensafely.lsp.runner.JobResult;
import opensafely.lsp.runner.PipelineRun;
import opensafely.lsp.runner.RunListener;
import opensafely.lsp.runner.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `run [ACTION...]`: runs actions of project.yaml on dummy data as `opensafely run` does (tooling spec §2), with
 * or without Docker ({@link Executors}). Progress and the jobs' output go to stdout as they come, then the summary
 * of §2.7. Ctrl-C cancels: the running jobs' process trees are stopped, nothing of theirs reaches the study folder.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run actions of project.yaml, and what they need, on dummy data (run_all for every action).",
            "Exit 0: every job succeeded, or nothing to do; 1: an action failed or is unknown; 2: bad usage."})
public final class RunActionsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ACTION", arity = "1..*", description = "Action names, or run_all.")
    List<String> actions;

    @Option(names = {"-f", "--force-run-dependencies"}, description = "Also run again the actions they need, even when their outputs exist.")
    boolean force;

    @Option(names = "--continue-on-error", description = "Keep running independent actions after one fails (CI uses this).")
    boolean continueOnError;

    @Option(names = "--timestamps", description = "Put the UTC time in front of each progress line.")
    boolean timestamps;

    @Option(names = "--format-output-for-github", description = "Fold each action's summary in a GitHub Actions ::group::.")
    boolean github;

    @Option(names = "--project-dir", paramLabel = "DIR", defaultValue = ".", description = "The study folder, holding project.yaml (default: .).")
    Path projectDir;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "2", description = "Jobs at once (default: 2).")
    int concurrency;

    @Option(names = "--executor", paramLabel = "local|docker",
            description = "Where jobs run: docker (OpenSAFELY's images) or local (this machine's interpreters, no Docker). Default: docker when it answers, else local.")
    String executor;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "python3", description = "The Python for python actions under the local executor (default: python3).")
    String python;

    /** For tests: where relative paths start, the streams, the environment, and a cancel flag to set. */
    Path workingDirectory;
    PrintStream stdout;
    PrintStream stderr;
    Map<String, String> environment;
    AtomicBoolean cancel = new AtomicBoolean();
    RunListener testListener = RunListener.NONE;

    @Override
    public Integer call() throws Exception {
        PrintStream out = stdout != null ? stdout : new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = stderr != null ? stderr : System.err;
        Map<String, String> env = environment != null ? environment : System.getenv();
        Path cwd = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
        if (concurrency < 1) return usage(err, "--concurrency must be at least 1");
        Path dir = cwd.resolve(projectDir).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("project.yaml"))) return usage(err, "no project.yaml in " + dir + " (use --project-dir DIR)");
        Executors.Choice choice = Executors.choose(executor, dir, python, env, Clock.systemUTC());
        if (choice.error().isPresent()) return usage(err, choice.error().get());
        Executor ex = choice.executor().orElseThrow();
        if (ex instanceof DockerExecutor docker && !docker.available()) {
            // As opensafely run: without an engine nothing can start, so say so once rather than fail every job.
            err.println("opensafely-lsp run: " + DockerExecutor.NOT_RUNNING);
            return 1;
        }
        out.println(ex.name().equals("local")
                ? "Executor: local (this machine's interpreters, no Docker" + (executor == null ? ": Docker is not running" : "") + ")"
                : "Executor: docker (OpenSAFELY's images)");
        Printer printer = new Printer(out);
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: cancel, then wait for the jobs to stop and clean up, so no partial output is left behind.
        Thread hook = new Thread(() -> {
            cancel.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "opensafely-lsp-cancel");
        boolean hooked = addHook(hook);
        Interrupt interrupt = Interrupt.install(() -> cancel.set(true));
        try {
            PipelineRun run = new PipelineRun(dir, ex, Clock.systemUTC(), PipelineRun.environment(env));
            PipelineRun.Outcome o = run.run(new PipelineRun.Request(actions, force, continueOnError, concurrency), printer, cancel::get);
            if (o.error().isPresent()) {
                boolean unknown = o.error().get().startsWith("Action '");
                err.println("=> " + (unknown ? "UnknownActionError" : "ProjectValidationError"));
                for (String l : o.error().get().split("\n")) err.println("   " + l);
                return 1;
            }
            if (o.planned().isEmpty()) {
                out.println("=> All actions already completed successfully");
                out.println("   Use -f option to force everything to re-run");
                return 0;
            }
            out.println();
            RunSummary.lines(o.results(), github).forEach(out::println);
            if (o.cancelled()) out.println("Cancelled: the running jobs were stopped; their outputs were not copied into the study.");
            out.flush();
            return o.exitCode();
        } catch (PipelineRun.RunException e) {
            return usage(err, e.getMessage());
        } finally {
            finished.countDown();
            interrupt.restore();
            if (hooked) removeHook(hook);
        }
    }

    /**
     * Ctrl-C cancels the run, which then ends normally with exit 1 and its summary; the shutdown hook covers a
     * plain kill (SIGTERM), where the JVM exits anyway once the jobs are stopped. sun.misc.Signal is the only way
     * to catch SIGINT in Java 17; where it is missing the shutdown hook alone still stops the jobs.
     */
    private record Interrupt(Object signal, Object previous) {
        static Interrupt install(Runnable onInterrupt) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal("INT");
                return new Interrupt(sig, sun.misc.Signal.handle(sig, s -> onInterrupt.run()));
            } catch (IllegalArgumentException | LinkageError e) {
                return new Interrupt(null, null);
            }
        }

        void restore() {
            if (signal instanceof sun.misc.Signal s && previous instanceof sun.misc.SignalHandler h) {
                try {
                    sun.misc.Signal.handle(s, h);
                } catch (IllegalArgumentException e) {
                    // nothing to restore
                }
            }
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("opensafely-lsp run: " + message);
        return 2;
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false; // already shutting down
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running
        }
    }

    /** Progress lines as opensafely prints them, `<action>: <message>`, and each job's lines as they come. */
    private final class Printer implements RunListener {
        private final PrintStream out;

        Printer(PrintStream out) {
            this.out = out;
        }

        private synchronized void line(String s) {
            out.println(timestamps ? Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + s : s);
        }

        @Override
        public void planned(List<String> actions, String executor) {
            line("Running actions: " + String.join(", ", actions));
            testListener.planned(actions, executor);
        }

        @Override
        public void status(String action, String message) {
            line(action + ": " + message);
            testListener.status(action, message);
        }

        @Override
        public void jobStarted(String action, String jobId) {
            testListener.jobStarted(action, jobId);
        }

        @Override
        public void logLine(String action, String stampedLine) {
            // The log file keeps the job's own times; the console shows times only with --timestamps, as for any line.
            line(action + ": " + (stampedLine.length() > 31 ? stampedLine.substring(31) : ""));
            testListener.logLine(action, stampedLine);
        }

        @Override
        public void jobFinished(JobResult result) {
            if (!result.dependencyFailed()) line(result.action() + ": " + result.message().split("\n")[0]);
            testListener.jobFinished(result);
        }
    }
}
