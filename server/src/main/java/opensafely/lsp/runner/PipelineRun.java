package opensafely.lsp.runner;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.PipelineChecker;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Runs actions of a study as {@code opensafely run} does (tooling spec §2): choose the jobs ({@link RunPlan}),
 * start each when what it needs has succeeded, at most {@code concurrency} at once, each in its own workspace
 * ({@link JobExecution}). The command line and the editor both drive it: a {@link RunListener} hears progress, log
 * lines and results; the {@code cancelled} flag, polled, stops running jobs (their process trees) and starts no more.
 *
 * <pre>{@code
 * Outcome o = new PipelineRun(studyRoot, executor, Clock.systemUTC())
 *         .run(new Request(List.of("describe_asthma"), false, false, 2), listener, cancelFlag::get);
 * }</pre>
 */
public final class PipelineRun {
    /**
     * @param actions         action names, or {@code run_all}
     * @param force           {@code -f}: run the dependencies again even when their outputs exist
     * @param continueOnError keep starting independent jobs after one fails
     * @param concurrency     at most this many jobs at once (at least 1)
     */
    public record Request(List<String> actions, boolean force, boolean continueOnError, int concurrency) {
        public Request {
            actions = List.copyOf(actions);
            concurrency = Math.max(1, concurrency);
        }
    }

    /**
     * How the run ended.
     *
     * @param error   why no job started: project.yaml is invalid, or an action is unknown (exit 1)
     * @param planned the actions the run chose, in order (empty: nothing to do)
     * @param results every job that ended, in the order they ended
     */
    public record Outcome(Optional<String> error, List<String> planned, List<JobResult> results, boolean cancelled) {
        /** CONTRACT.md: 0 when every job that finished succeeded, or there was nothing to do; 1 otherwise. */
        public int exitCode() {
            if (error.isPresent() || cancelled) return 1;
            return results.stream().allMatch(JobResult::succeeded) && results.size() == planned.size() ? 0 : 1;
        }
    }

    /** Why a run could not start at all (no project.yaml): a usage error, not a failed action. */
    public static final class RunException extends Exception {
        public RunException(String message) {
            super(message);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StudyFolder study;
    private final Executor executor;
    private final Clock clock;
    private final Map<String, String> env;

    /**
     * @param env the variables every job gets (tooling spec §2.5), e.g. {@link #environment}
     */
    public PipelineRun(Path studyRoot, Executor executor, Clock clock, Map<String, String> env) {
        this.study = StudyFolder.at(studyRoot);
        this.executor = executor;
        this.clock = clock;
        this.env = Map.copyOf(env);
    }

    /** §2.5: OPENSAFELY_BACKEND=expectations, and the Stata licence when the host has one. */
    public static Map<String, String> environment(Map<String, String> host) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPENSAFELY_BACKEND", "expectations");
        if (host.containsKey("STATA_LICENSE")) env.put("STATA_LICENSE", host.get("STATA_LICENSE"));
        return env;
    }

    /** The study's project.yaml, parsed; an error line when it is missing. */
    public Project project() throws RunException {
        Optional<String> text = study.readString("project.yaml");
        if (text.isEmpty()) throw new RunException("no project.yaml in " + study.root().orElseThrow() + " (use --project-dir)");
        return new ProjectParser().parse(text.get());
    }

    public Outcome run(Request request, RunListener listener, BooleanSupplier cancelled) throws RunException {
        Project project = project();
        Optional<String> invalid = validationErrors(project);
        if (invalid.isPresent()) return new Outcome(invalid, List.of(), List.of(), false);
        RunState state = RunState.load(study.root().orElseThrow());
        RunPlan.Selection selection = RunPlan.select(project, request.actions(), request.force(), state, study.root().orElseThrow());
        if (selection.error().isPresent()) return new Outcome(selection.error(), List.of(), List.of(), false);
        List<String> plan = selection.plan().orElseThrow().actions();
        if (plan.isEmpty()) return new Outcome(Optional.empty(), plan, List.of(), false);
        listener.planned(plan, executor.name());
        List<JobResult> results;
        try {
            results = schedule(project, plan, request, state, listener, cancelled);
        } finally {
            finishExecutor();
        }
        return new Outcome(Optional.empty(), plan, results, cancelled.getAsBoolean());
    }

    private void finishExecutor() {
        try {
            executor.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** opensafely's ProjectValidationError: the errors check would report on project.yaml. */
    private Optional<String> validationErrors(Project project) {
        if (!project.parsed()) return Optional.of("project.yaml could not be read as YAML: run `check` to see why");
        List<String> errors = new ArrayList<>();
        for (Diagnostic d : new PipelineChecker().check(project, study)) {
            if (d.severity() == Severity.ERROR) errors.add("line " + (d.range().start().line() + 1) + ": " + d.message());
        }
        if (errors.isEmpty()) return Optional.empty();
        return Optional.of("project.yaml has errors (run `check` for all of them):\n  " + String.join("\n  ", errors.subList(0, Math.min(10, errors.size()))));
    }

    /**
     * Starts each planned job once everything it needs from the plan has succeeded. A job whose dependency failed
     * does not start ({@code dependency_failed}); without continue-on-error, no job starts after a failure.
     */
    private List<JobResult> schedule(Project project, List<String> plan, Request request, RunState state, RunListener listener,
                                     BooleanSupplier cancelled) {
        Map<String, Action> actions = project.actionsByName();
        List<String> pending = new ArrayList<>(plan);
        Map<String, JobResult> done = new LinkedHashMap<>();
        List<JobResult> results = new ArrayList<>();
        ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(request.concurrency(), r -> {
            Thread t = new Thread(r, "opensafely-job");
            t.setDaemon(true);
            return t;
        });
        ExecutorCompletionService<JobResult> completions = new ExecutorCompletionService<>(pool);
        int running = 0;
        boolean stopping = false;
        try {
            while (true) {
                if (cancelled.getAsBoolean()) stopping = true;
                for (var it = pending.iterator(); it.hasNext() && !stopping; ) {
                    String name = it.next();
                    List<String> waitsFor = actions.get(name).needNames().stream().filter(plan::contains).toList();
                    if (waitsFor.stream().anyMatch(n -> done.containsKey(n) && !done.get(n).succeeded())) {
                        it.remove();
                        JobResult r = JobResult.without(name, jobId(), "dependency_failed", "Not starting as dependency failed");
                        done.put(name, r);
                        results.add(r);
                        listener.jobFinished(r);
                        continue;
                    }
                    if (running < request.concurrency() && waitsFor.stream().allMatch(done::containsKey)) {
                        it.remove();
                        JobExecution job = new JobExecution(project, actions.get(name), study, executor, state, listener, cancelled, clock, env);
                        String id = jobId();
                        completions.submit(() -> job.run(id));
                        running++;
                    }
                }
                if (running == 0) break; // nothing running and nothing startable: done (or stopped)
                JobResult r = take(completions);
                running--;
                done.put(r.action(), r);
                results.add(r);
                if (!r.succeeded() && !request.continueOnError()) stopping = true;
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    private static JobResult take(ExecutorCompletionService<JobResult> completions) {
        while (true) {
            try {
                Future<JobResult> f = completions.take();
                return f.get();
            } catch (InterruptedException e) {
                // The jobs see the cancel flag and end; keep waiting for them so none is left half-finalized.
            } catch (ExecutionException e) {
                throw new IllegalStateException("a job failed unexpectedly: " + e.getCause(), e.getCause());
            }
        }
    }

    /** 16 lowercase letters and digits, as job-runner's ids: names the job's folder. */
    static String jobId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return sb.toString();
    }
}
