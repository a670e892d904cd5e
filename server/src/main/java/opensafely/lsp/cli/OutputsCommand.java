package opensafely.lsp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import opensafely.lsp.outputs.OutputCheck;
import opensafely.lsp.outputs.OutputReport;
import opensafely.lsp.outputs.SummaryPage;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.StudyFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `outputs`: the study's moderately_sensitive outputs, as an output checker will see them. */
@Command(name = "outputs", mixinStandardHelpOptions = true,
        description = "The study's moderately_sensitive outputs, before a release request.",
        subcommands = {OutputsCommand.Summary.class})
public final class OutputsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("opensafely-lsp outputs: name a subcommand: summary");
        return 2;
    }

    /**
     * `outputs summary [--output FILE]`: one page for the study, each output with its findings and its per-column
     * summary, figures beside their data. HTML by default, Markdown (for a pull-request comment) when FILE ends
     * .md. The default FILE is metadata/outputs-summary.html: job-runner's own folder, which no output pattern may
     * name, so the page is never taken for an output. The page is written atomically, inside the study only.
     */
    @Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Write a page summarising the study's moderately_sensitive outputs (findings and per-column summaries).")
    static final class Summary implements Callable<Integer> {
        static final String DEFAULT_OUTPUT = "metadata/outputs-summary.html";

        @Option(names = "--output", paramLabel = "FILE",
                description = "Page to write, inside the study folder: .html (default " + DEFAULT_OUTPUT + ") or .md (Markdown).")
        String output;

        @Option(names = "--project-dir", paramLabel = "DIR", description = "The study folder (default: the one the current folder is in).")
        Path projectDir;

        Path workingDirectory;
        PrintStream stdout;
        PrintStream stderr;

        @Override
        public Integer call() {
            Path cwd = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
            PrintStream out = stdout != null ? stdout : System.out;
            PrintStream err = stderr != null ? stderr : System.err;
            Path start = projectDir != null ? cwd.resolve(projectDir) : cwd;
            Optional<StudyFolder> folder = Files.isRegularFile(start.resolve("project.yaml")) ? Optional.of(StudyFolder.at(start))
                    : projectDir == null ? StudyFolder.enclosing(start) : Optional.empty();
            if (folder.isEmpty()) {
                err.println("opensafely-lsp outputs summary: " + (projectDir != null ? projectDir + " is not a study folder (it has no project.yaml)"
                        : "there is no project.yaml here or in any folder above; run it in a study folder, or use --project-dir"));
                return 2;
            }
            Path root = folder.get().root().orElseThrow();
            Path target = (output != null ? cwd.resolve(output) : root.resolve(DEFAULT_OUTPUT)).toAbsolutePath().normalize();
            if (!target.startsWith(root) || folder.get().leavesFolder(target) || escapesThroughLink(root, target)) {
                err.println("opensafely-lsp outputs summary: " + (output != null ? output : target) + " is outside the study folder; write the page inside it");
                return 2;
            }
            boolean markdown = target.getFileName().toString().endsWith(".md");
            try {
                List<OutputReport> reports = OutputCheck.study(folder.get());
                String study = root.getFileName() != null ? root.getFileName().toString() : root.toString();
                String page = markdown ? SummaryPage.markdown(study, reports, target.getParent())
                        : SummaryPage.html(study, reports, target.getParent());
                Files.createDirectories(target.getParent());
                OutputFile.checkReplaceable(target);
                AtomicWrite.write(target, page.getBytes(StandardCharsets.UTF_8));
                int findings = reports.stream().mapToInt(r -> r.findings().size()).sum();
                out.println("opensafely-lsp outputs summary: wrote " + root.relativize(target).toString().replace('\\', '/') + " ("
                        + reports.size() + " output" + (reports.size() == 1 ? "" : "s") + ", " + findings + " finding" + (findings == 1 ? "" : "s") + ")");
                return 0;
            } catch (IOException | UncheckedIOException e) {
                err.println("opensafely-lsp outputs summary: cannot write the summary: "
                        + (e instanceof IOException io ? CheckCommand.describe(io) : e.getMessage()));
                return 2;
            }
        }

        /** Whether a folder on the way to the page is a link that leads out of the study. */
        private static boolean escapesThroughLink(Path root, Path target) {
            try {
                Path realRoot = root.toRealPath();
                for (Path p = target.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
                    if (Files.exists(p)) return !p.toRealPath().startsWith(realRoot);
                }
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }
}
