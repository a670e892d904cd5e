package opensafely.lsp.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import opensafely.lsp.cli.report.CheckReport;
import opensafely.lsp.cli.report.FileReport;
import opensafely.lsp.cli.report.ReportFormat;
import opensafely.lsp.cli.report.ReportPaths;
import opensafely.lsp.cli.report.ReportWriter;
import opensafely.lsp.cli.report.StepSummary;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.outputs.OutputCheck;
import opensafely.lsp.outputs.StudyOutputs;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.SourceText;
import opensafely.lsp.workspace.StudyFiles;
import opensafely.lsp.workspace.StudyFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `check [PATH...]`: the editor's analysis, for CI. Each file goes through
 * {@link StudyLanguageService#diagnostics} exactly as the language server sends an open file, so CI and
 * editor report the same findings byte for byte. The report formats are in {@code cli.report}; the
 * exit code is 0, 1 when a finding reaches {@code --fail-on}, 2 for a bad PATH or an unwritable output
 * (CONTRACT.md).
 *
 * <p>This path must stay free of LSP4J: loading it would double the start-up time of a command that
 * CI runs on every push.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Analyse study folders (holding project.yaml) or single files, as the editor does.")
public final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Study folders or files to check (default: the current folder).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            converter = ReportFormat.Converter.class, completionCandidates = ReportFormat.Names.class,
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    ReportFormat format = ReportFormat.TEXT;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the report to FILE (a new or ordinary file, replaced atomically); - for standard output (the default).")
    Path output;

    @Option(names = "--fail-on", paramLabel = "LEVEL", defaultValue = "error",
            converter = FailOn.Converter.class, completionCandidates = FailOn.Names.class,
            description = "Exit with 1 when a finding is at least this severe: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    FailOn failOn = FailOn.ERROR;

    // Test hooks: left null, the process's own working directory and streams are used (read at call
    // time, so that a test that swaps System.out still sees its output).
    Path workingDirectory;
    OutputStream stdout;
    PrintStream stderr;
    /** The kinds of file a study folder contributes: those the editor's whole-study diagnostics check too. */
    Set<DocumentKind> folderKinds = StudyFiles.CHECKED_KINDS;
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() {
        Path cwd = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
        PrintStream err = stderr != null ? stderr : System.err;
        if (mayHoldPython(cwd)) {
            // The first Python file pays the grammar's and the ehrQL model's start-up (~0.7 s cold); paid here on a
            // spare core, it overlaps the listing of the study and the parse of its project.yaml.
            ParallelAnalyses.warmUpInBackground(() -> DatasetDefinitionService.shared().diagnostics(
                    new Document(null, WARM_UP, 0, StudyFolder.none())));
        }
        try {
            List<CheckTargets.Target> targets = paths.isEmpty()
                    ? CheckTargets.collectDefault(cwd, folderKinds)
                    : CheckTargets.collect(cwd, paths, folderKinds);
            CheckReport report = analyse(cwd, targets, err);
            write(cwd, report);
            report.cutNote().ifPresent(note -> err.println("opensafely-lsp check: " + note));
            if (format == ReportFormat.GITHUB) {
                appendStepSummary(report, err);
            }
            return failOn.exitCode(report);
        } catch (CheckTargets.BadPath | UnusableFile e) {
            err.println("opensafely-lsp check: " + e.getMessage());
            return 2;
        }
    }

    /** A small dataset definition that goes through the parser and the ehrQL model, for the warm-up. */
    private static final String WARM_UP = """
            from ehrql import create_dataset, codelist_from_csv
            from ehrql.tables.core import patients, clinical_events
            dataset = create_dataset()
            dataset.define_population(patients.date_of_birth.is_on_or_before("2000-01-01"))
            dataset.last = clinical_events.sort_by(clinical_events.date).last_for_patient().date
            """;

    /** Whether the files checked may include Python: a study folder with analysis/, or a .py named. */
    private boolean mayHoldPython(Path cwd) {
        if (paths.isEmpty()) return Files.isDirectory(cwd.resolve(StudyFiles.ANALYSIS_DIR));
        for (String p : paths) {
            if (p.endsWith(".py")) return true;
            try {
                if (Files.isDirectory(cwd.resolve(p).resolve(StudyFiles.ANALYSIS_DIR))) return true;
            } catch (java.nio.file.InvalidPathException e) {
                // a bad PATH: reported by CheckTargets
            }
        }
        return false;
    }

    /** A file that cannot be read, or a report that cannot be written: exit code 2. */
    static final class UnusableFile extends Exception {
        UnusableFile(String message) {
            super(message);
        }
    }

    /** What one target gives the report: a file's findings, or a word on stderr about a file not looked at. */
    private record Outcome(FileReport file, String skipped) {
    }

    /**
     * Each file is read and analysed once, on its own task; the tasks run in parallel ({@link ParallelAnalyses}) and
     * the report keeps the order of the targets, so it is the same whatever the number of threads.
     */
    private CheckReport analyse(Path cwd, List<CheckTargets.Target> targets, PrintStream err) throws UnusableFile {
        StudyLanguageService service = new StudyLanguageService();
        boolean timing = environment.apply(Guard.DEBUG_VARIABLE) != null;
        List<ParallelAnalyses.Task<Outcome>> tasks = new ArrayList<>(targets.size());
        for (CheckTargets.Target t : targets) {
            tasks.add(() -> {
                long start = System.nanoTime();
                Outcome outcome = analyse(cwd, t, targets, service);
                if (timing) {
                    err.printf(java.util.Locale.ROOT, "opensafely-lsp check: %.0f ms on %s (%s)%n", (System.nanoTime() - start) / 1e6,
                            ReportPaths.display(cwd, t.path()), Thread.currentThread().getName());
                }
                return outcome;
            });
        }
        List<Outcome> outcomes;
        try {
            outcomes = ParallelAnalyses.run(tasks);
        } catch (UnusableFile | RuntimeException e) {
            throw e;
        } catch (Exception e) { // no task throws another checked exception
            throw new IllegalStateException(e);
        }
        List<FileReport> files = new ArrayList<>(targets.size());
        List<String> skipped = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.file() != null) files.add(o.file());
            if (o.skipped() != null) skipped.add(o.skipped());
        }
        if (files.isEmpty() && !skipped.isEmpty()) {
            throw new UnusableFile("nothing to check: " + String.join("; ", skipped));
        }
        skipped.forEach(s -> err.println("opensafely-lsp check: skipped " + s));
        return new CheckReport(cwd, Main.version(), files);
    }

    private static Outcome analyse(Path cwd, CheckTargets.Target t, List<CheckTargets.Target> targets, StudyLanguageService service)
            throws UnusableFile {
        String name = ReportPaths.display(cwd, t.path());
        if (t.folder().leavesFolder(t.path())) { // a link out of the study: reported, never read
            return new Outcome(new FileReport(name, t.path(), "", List.of(StudyFiles.linkOutOfStudy())), null);
        }
        if (t.output()) {
            return new Outcome(new FileReport(name, t.path(), "", outputFindings(t, name, targets)), null);
        }
        byte[] bytes = CheckedFile.read(t.path(), name);
        SourceText source = SourceText.decode(bytes);
        Document doc = new Document(t.path(), source.text(), 0, t.folder());
        if (t.named() && source.encodingProblem().isEmpty() && !service.analyses(doc)) {
            // Saying "No problems found" of a file nobody looked at would be a false all-clear.
            return new Outcome(null, name + ": " + CheckedFile.notAnalysedBecause(doc));
        }
        List<Diagnostic> diagnostics = source.encodingProblem().isPresent()
                ? List.of(source.encodingProblem().get())
                : service.diagnostics(doc);
        return new Outcome(new FileReport(name, t.path(), source.text(), diagnostics), null);
    }

    /**
     * An output is streamed, never read whole (it may be a 6,000-row table or a 17 MiB file); its report carries
     * no text, so SARIF fingerprints hash the rule and an empty line.
     */
    private static List<Diagnostic> outputFindings(CheckTargets.Target t, String name, List<CheckTargets.Target> targets) throws UnusableFile {
        List<StudyOutputs.Match> outputs = targets.stream().filter(o -> o.match().isPresent()).map(o -> o.match().get()).toList();
        String relative = t.folder().root().map(r -> r.relativize(t.path()).toString().replace('\\', '/')).orElse(name);
        try {
            return OutputCheck.onDisk(t.folder(), t.path(), relative, t.match(), outputs).findings();
        } catch (IOException | UncheckedIOException e) {
            throw new UnusableFile("cannot read " + name + ": " + (e instanceof IOException io ? describe(io) : e.getMessage()));
        }
    }

    private void write(Path cwd, CheckReport report) throws UnusableFile {
        ReportWriter writer = format.writer();
        try {
            if (output != null && !OutputFile.isStdout(output.toString())) {
                Path target = cwd.resolve(output);
                OutputFile.checkReplaceable(target);
                AtomicWrite.write(target, out -> writer.write(report, out));
            } else {
                OutputStream out = new BufferedOutputStream(stdout != null ? stdout : System.out);
                writer.write(report, out);
                out.flush();
            }
        } catch (IOException e) {
            throw new UnusableFile("cannot write the report" + (output != null ? " to " + output : "") + ": " + describe(e));
        }
    }

    /**
     * In a GitHub Actions step, the github format also lists every finding in the job summary, since
     * GitHub shows only the first few annotations. Not being able to write it is worth a warning, not
     * a failed check.
     */
    private void appendStepSummary(CheckReport report, PrintStream err) {
        String file = environment.apply("GITHUB_STEP_SUMMARY");
        if (file == null || file.isBlank()) return;
        try {
            Files.writeString(Path.of(file), StepSummary.markdown(report), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            err.println("opensafely-lsp check: warning: cannot write the job summary: " + e.getMessage());
        }
    }

    /** An I/O failure in words: Java's messages for these are only the path. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException n) return "no such file or folder: " + n.getFile();
        if (e instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
