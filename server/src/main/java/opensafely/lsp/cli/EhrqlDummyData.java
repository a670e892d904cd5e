package opensafely.lsp.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.zip.GZIPOutputStream;
import opensafely.lsp.dummydata.CsvTableWriter;
import opensafely.lsp.dummydata.Generator;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.ehrql.DummyDatasetSpec;
import opensafely.lsp.ehrql.DummyMeasuresSpec;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * `dummy-data` for an ehrQL dataset definition: the table {@link DummyDatasetSpec} makes from the static model,
 * streamed to the file that project.yaml's `generate-dataset` action for the definition writes (else
 * output/dataset.csv.gz), atomically; for a measures definition, {@link DummyMeasuresSpec}'s table where
 * `generate-measures` writes it (else output/measures.csv). The default seed is fixed, so reruns give the same file on the same day.
 */
final class EhrqlDummyData {
    /** The seed when none is given: fixed, so reruns are stable. */
    static final long DEFAULT_SEED = 20_240_401L;
    private static final String PREFIX = "opensafely-lsp dummy-data: ";

    private EhrqlDummyData() {
    }

    /** Whether this command handles the document: an ehrQL dataset or measures definition. */
    static boolean handles(Document doc) {
        return DatasetDefinitionService.isDatasetDefinition(doc);
    }

    /** A measures definition (generate-measures) rather than a dataset definition. */
    static boolean measures(Document doc) {
        return doc.text().contains("create_measures(") && !doc.text().contains("create_dataset(");
    }

    static int run(Document doc, String shown, Path cwd, Integer population, String output, Long seed, Clock clock, OutputStream stdout, PrintStream err) {
        long s = seed != null ? seed : DEFAULT_SEED;
        // Measures: one row per measure × interval × group, whatever the population (--population does not apply).
        DummyDatasetSpec.Result r = measures(doc) ? DummyMeasuresSpec.build(doc, s, LocalDate.now(clock))
                : DummyDatasetSpec.build(doc, population, s, LocalDate.now(clock));
        if (!r.ok()) {
            err.println("No dummy data for " + shown + ": " + r.problem());
            return 1;
        }
        TableSpec spec = r.spec();
        try {
            if (output != null && OutputFile.isStdout(output)) {
                OutputStream out = stdout != null ? stdout : System.out;
                write(spec, new FilterOutputStream(out) {
                    @Override
                    public void close() throws IOException {
                        flush(); // standard output stays open
                    }
                }, false);
                return 0;
            }
            Path target = output != null ? cwd.resolve(output) : defaultOutput(doc);
            if (target.getFileName().toString().endsWith(".arrow")) {
                err.println(PREFIX + "--output " + target.getFileName() + ": Arrow output is not made yet; name a file ending in .csv or .csv.gz");
                return 2;
            }
            OutputFile.checkReplaceable(target);
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            boolean gz = target.getFileName().toString().endsWith(".gz");
            AtomicWrite.write(target, out -> write(spec, out, gz));
            err.println("Wrote " + spec.rows() + (measures(doc) ? " rows of dummy measures to " : " dummy patients to ") + target);
            return 0;
        } catch (IOException e) {
            err.println(PREFIX + "cannot write the dummy data: " + CheckCommand.describe(e));
            return 2;
        } catch (CancellationException e) {
            err.println(PREFIX + "cancelled");
            return 2;
        }
    }

    // TODO(lead): switch to the engine's OutputFormat chooser (by extension: .csv, .csv.gz, .arrow) once it is merged.
    private static void write(TableSpec spec, OutputStream out, boolean gz) throws IOException {
        OutputStream s = gz ? new GZIPOutputStream(out, 1 << 16) : out;
        try (CsvTableWriter w = new CsvTableWriter(s)) {
            Generator.write(spec, w, () -> false, n -> { });
        }
    }

    /**
     * The --output of the project.yaml action that runs `generate-dataset` (or `generate-measures`) on this
     * definition, else output/dataset.csv.gz (output/measures.csv).
     */
    static Path defaultOutput(Document doc) {
        StudyFolder folder = doc.folder();
        Path base = folder.root().orElse(doc.path().toAbsolutePath().getParent());
        boolean m = measures(doc);
        return declaredOutput(doc, base, m ? "generate-measures" : "generate-dataset").map(base::resolve)
                .orElse(base.resolve("output").resolve(m ? "measures.csv" : "dataset.csv.gz"));
    }

    private static Optional<String> declaredOutput(Document doc, Path base, String command) {
        Optional<Path> yaml = doc.folder().resolve("project.yaml");
        if (yaml.isEmpty()) return Optional.empty();
        try {
            Project project = new ProjectParser().parse(doc.folder().readString(yaml.get()).orElse(""));
            String rel = base.relativize(doc.path().toAbsolutePath().normalize()).toString().replace('\\', '/');
            for (Action a : project.actions()) {
                RunCommand run = a.run();
                if (run == null || !run.parsed() || !run.command().equals(command)) continue;
                boolean runsThis = run.args().stream().anyMatch(w -> w.value().equals(rel) || w.value().equals("./" + rel));
                Optional<RunCommand.Word> out = run.option("--output");
                if (runsThis && out.isPresent() && !out.get().value().isEmpty() && !out.get().value().contains("..")) return Optional.of(out.get().value());
            }
        } catch (RuntimeException e) {
            // no usable project.yaml: the default applies
        }
        return Optional.empty();
    }
}
