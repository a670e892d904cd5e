package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import opensafely.lsp.outputs.Level4Check;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.OutputPattern;
import opensafely.lsp.pipeline.PrivacyLevel;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.StudyFolder;

/**
 * One job, as job-runner runs it (tooling spec §2.6): prepare its own workspace, execute, then finalize: match the
 * declared outputs, copy back the matched files only (all together, and not at all when cancelled), check the
 * moderately_sensitive ones, remove what the previous run recorded and this one did not make, write the log and
 * record the result.
 */
final class JobExecution {
    private final Project project;
    private final Action action;
    private final StudyFolder study;
    private final Path root;
    private final Executor executor;
    private final RunState state;
    private final RunListener listener;
    private final BooleanSupplier cancelled;
    private final Clock clock;
    private final Map<String, String> env;

    JobExecution(Project project, Action action, StudyFolder study, Executor executor, RunState state, RunListener listener,
                 BooleanSupplier cancelled, Clock clock, Map<String, String> env) {
        this.project = project;
        this.action = action;
        this.study = study;
        this.root = study.root().orElseThrow();
        this.executor = executor;
        this.state = state;
        this.listener = listener;
        this.cancelled = cancelled;
        this.clock = clock;
        this.env = env;
    }

    JobResult run(String jobId) {
        String name = action.name();
        Instant started = clock.instant();
        listener.jobStarted(name, jobId);
        JobLog log = new JobLog(clock);
        JobCommand command = RunCommands.of(jobId, action, opensafely.lsp.study.DummyDataFile.populationSize(project));
        Optional<String> cannot = executor.cannotRun(command);
        if (cannot.isPresent()) {
            JobResult r = failure(jobId, "cannot_run_locally", "Job cannot run here: " + cannot.get());
            return finish(r, log, started, true);
        }
        listener.status(name, "Preparing your code and workspace files");
        JobWorkspace ws;
        try {
            ws = JobWorkspace.prepare(study, jobId, allPatterns(), inputs());
        } catch (IOException e) {
            return finish(failure(jobId, "internal_error", "Could not prepare the job's folder: " + e.getMessage()), log, started, true);
        }
        try (ws) {
            listener.status(name, "Executing job on the backend");
            int exit;
            try {
                exit = executor.run(command, ws.dir(), env, line -> listener.logLine(name, log.add(line)), cancelled);
            } catch (IOException e) {
                return finish(failure(jobId, "internal_error", "Could not start the job: " + e.getMessage()), log, started, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = -1;
            }
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                // Nothing is copied back and nothing recorded: the study is left as it was before the job.
                return finish(JobResult.without(name, jobId, "cancelled_by_user", "Cancelled by user"), log, started, false);
            }
            listener.status(name, "Recording job results");
            return finish(finalize(jobId, ws, exit, log), log, started, true);
        } catch (IOException e) {
            return finish(failure(jobId, "internal_error", "Could not record the job's results: " + e.getMessage()), log, started, true);
        }
    }

    private JobResult finalize(String jobId, JobWorkspace ws, int exit, JobLog log) throws IOException {
        List<OutputMatch.Declared> declared = new ArrayList<>();
        for (Output o : action.outputs()) {
            if (o.path() != null) declared.add(new OutputMatch.Declared(new OutputPattern(o.path()), o.level().key()));
        }
        OutputMatch match = OutputMatch.of(declared, ws.files(), ws::writtenByJob);
        Map<String, String> invalid = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : match.matched().entrySet()) {
            if (e.getValue().equals(PrivacyLevel.MODERATELY_SENSITIVE.key())) {
                Level4Check.excludedBecause(ws.dir().resolve(e.getKey())).ifPresent(why -> invalid.put(e.getKey(), why));
            }
        }
        Map<String, List<String>> disclosure = OutputFindings.of(ws.dir(), action, match.matched(), invalid.keySet());
        Map<String, String> copied = copyBack(ws, match.matched(), log);
        removeStale(copied.keySet());
        Map<String, String> suggestions = new LinkedHashMap<>();
        for (String p : match.unmatched()) match.closest(p).ifPresent(f -> suggestions.put(p, f));
        String code;
        String message;
        if (exit != 0) {
            code = "nonzero_exit";
            message = "Job exited with an error" + (exit == 137 ? ": Job was killed (exit code 137: out of memory, or stopped from outside)" : "");
        } else if (!match.unmatched().isEmpty()) {
            code = "unmatched_patterns";
            StringBuilder sb = new StringBuilder("No outputs found matching patterns:");
            match.unmatched().forEach(p -> sb.append("\n - ").append(p));
            message = sb.toString();
        } else {
            code = "succeeded";
            message = "Completed successfully" + (invalid.isEmpty() ? "" : ", but " + invalid.size()
                    + " file(s) marked as moderately_sensitive were excluded. See job log for details.");
        }
        List<String> text = log.text();
        List<String> missingNeeds = code.equals("succeeded") ? List.of() : FailureHints.missingNeeds(project, action, text);
        String hint = code.equals("succeeded") ? null : FailureHints.hint(action.name(), missingNeeds, text).orElse(null);
        return new JobResult(action.name(), jobId, code, exit, message, copied, invalid, match.unmatched(), match.undeclared(),
                suggestions, missingNeeds, hint, exit != 0 ? log.tail() : List.of(), logFile(), disclosure);
    }

    /**
     * Copies the matched files into the study at the same paths, all in one batch: a failure part-way leaves every
     * earlier output as it was. A path whose folder leads out of the study (a link) is refused and said in the log.
     */
    private Map<String, String> copyBack(JobWorkspace ws, Map<String, String> matched, JobLog log) throws IOException {
        Map<String, String> copied = new LinkedHashMap<>();
        try (AtomicWrite.Batch batch = new AtomicWrite.Batch()) {
            for (Map.Entry<String, String> e : matched.entrySet()) {
                Optional<Path> target = safeTarget(e.getKey());
                if (target.isEmpty()) {
                    log.add("opensafely-lsp: not copied back, its folder leads out of the study: " + e.getKey());
                    continue;
                }
                Path from = ws.dir().resolve(e.getKey());
                batch.add(target.get(), out -> Files.copy(from, out));
                copied.put(e.getKey(), e.getValue());
            }
            if (cancelled.getAsBoolean()) return Map.of(); // closing the batch removes what was staged
            batch.commit();
        }
        return copied;
    }

    /** The study path of an output, its folders made, if none of them is a link leading out of the study. */
    private Optional<Path> safeTarget(String rel) throws IOException {
        Optional<Path> target = study.resolve(rel);
        if (target.isEmpty()) return Optional.empty();
        Path realRoot = root.toRealPath();
        Path dir = target.get().getParent();
        Files.createDirectories(dir);
        if (!dir.toRealPath().startsWith(realRoot)) return Optional.empty();
        return target;
    }

    /** job-runner §2.6 step 6: what the previous run recorded and this one did not produce goes (case-insensitively). */
    private void removeStale(Set<String> produced) {
        Set<String> now = new HashSet<>();
        produced.forEach(p -> now.add(p.toLowerCase(Locale.ROOT)));
        // Only what the action still declares may go: the record of the last run is a file in the study (ours, or
        // opensafely run's db.sqlite) and must never be able to delete a script or anything else the user made.
        List<OutputPattern> declared = action.outputs().stream().map(o -> o.path()).filter(java.util.Objects::nonNull).map(OutputPattern::new).toList();
        for (String old : state.last(action.name()).map(JobRecord::outputs).orElse(Map.of()).keySet()) {
            if (now.contains(old.toLowerCase(Locale.ROOT))) continue;
            if (declared.stream().noneMatch(d -> d.matches(old))) continue;
            study.resolve(old).filter(p -> study.access(p) == StudyFolder.Access.FILE && !Files.isSymbolicLink(p)).ifPresent(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // stays; the next run tries again
                }
            });
        }
    }

    private JobResult finish(JobResult r, JobLog log, Instant started, boolean record) {
        Instant completed = clock.instant();
        if (r.statusCode().equals("cannot_run_locally") || r.statusCode().equals("internal_error")) log.add(r.message());
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("job_definition_id", r.jobId());
        keys.put("exit_code", r.exitCode() == null ? null : String.valueOf(r.exitCode()));
        keys.put("created_at", started.toString());
        keys.put("completed_at", completed.toString());
        keys.put("status_message", r.message().replace("\n", " "));
        keys.put("hint", r.hint());
        try {
            log.write(root.resolve(logFile()), keys, r.outputs(), r.invalid());
            if (record) {
                state.record(action.name(), new JobRecord(r.jobId(), r.succeeded() ? "succeeded" : "failed", r.statusCode(), r.exitCode(),
                        r.message(), r.outputs(), started.toString(), completed.toString()));
            }
        } catch (IOException e) {
            r = failure(r.jobId(), "internal_error", "Could not write metadata/: " + e.getMessage());
        }
        listener.jobFinished(r);
        return r;
    }

    private String logFile() {
        return "metadata/" + action.name() + ".log";
    }

    private JobResult failure(String jobId, String code, String message) {
        return JobResult.without(action.name(), jobId, code, message);
    }

    private List<OutputPattern> allPatterns() {
        List<OutputPattern> out = new ArrayList<>();
        for (Action a : project.actions()) {
            for (Output o : a.outputs()) {
                if (o.path() != null) out.add(new OutputPattern(o.path()));
            }
        }
        return out;
    }

    /** The recorded outputs of the actions this one needs (only those: job-runner does not copy needs of needs). */
    private List<String> inputs() {
        List<String> out = new ArrayList<>();
        for (String need : action.needNames()) {
            state.last(need).ifPresent(r -> out.addAll(r.outputs().keySet()));
        }
        return out;
    }

}
