package opensafely.lsp.ehrql;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Dummy data of an ehrQL definition as the command line and the editor make it: which table (dataset or
 * measures), where it goes (the --output of the project.yaml action that runs the definition), and the
 * streamed, atomic write.
 */
public final class DummyDataOutput {
    /** The seed when none is given: fixed, so reruns are stable. */
    public static final long DEFAULT_SEED = 20_240_401L;

    private DummyDataOutput() {
    }

    /** A measures definition (generate-measures) rather than a dataset definition. */
    public static boolean measures(Document doc) {
        return doc.text().contains("create_measures(") && !doc.text().contains("create_dataset(");
    }

    /** The table of a dataset or measures definition (--population applies to datasets only). */
    public static DummyDatasetSpec.Result spec(Document doc, Integer population, long seed, LocalDate today) {
        try {
            return measures(doc) ? DummyMeasuresSpec.build(doc, seed, today) : DummyDatasetSpec.build(doc, population, seed, today);
        } catch (RuntimeException | StackOverflowError e) {
            // A construct the model did not foresee: say so in one line rather than fail the command.
            return new DummyDatasetSpec.Result(null, "the definition could not be read for dummy data (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** "dummy patients" or "rows of dummy measures", for messages. */
    public static String what(Document doc) {
        return measures(doc) ? "rows of dummy measures" : "dummy patients";
    }

    /**
     * The --output of the project.yaml action that runs `generate-dataset` (or `generate-measures`) on this
     * definition, else output/dataset.csv.gz (output/measures.csv).
     */
    public static Path defaultOutput(Document doc) {
        StudyFolder folder = doc.folder();
        Path base = folder.root().orElse(doc.path().toAbsolutePath().getParent());
        boolean m = measures(doc);
        return declaredOutput(doc, base, m ? "generate-measures" : "generate-dataset").map(base::resolve)
                .orElse(base.resolve("output").resolve(m ? "measures.csv" : "dataset.csv.gz"));
    }

    private static Optional<String> declaredOutput(Document doc, Path base, String command) {
        Optional<Project> project = doc.path() == null ? Optional.empty() : ProjectOnDisk.read(doc.folder());
        if (project.isEmpty()) return Optional.empty(); // no usable project.yaml: the default applies
        String rel = base.relativize(doc.path().toAbsolutePath().normalize()).toString().replace('\\', '/');
        for (Action a : project.get().actions()) {
            RunCommand run = a.run();
            if (run == null || !run.parsed() || !run.command().equals(command)) continue;
            boolean runsThis = run.args().stream().anyMatch(w -> w.value().equals(rel) || w.value().equals("./" + rel));
            Optional<RunCommand.Word> out = run.option("--output");
            if (runsThis && out.isPresent() && !out.get().value().isEmpty() && !out.get().value().contains("..")) return Optional.of(out.get().value());
        }
        return Optional.empty();
    }

    /**
     * Writes the table to {@code target} atomically in the format its name asks for (.csv, .csv.gz, .arrow, as
     * ehrQL writes them), making its folder; nothing is left on cancel or failure.
     *
     * @throws IOException also when the name is not one of ehrQL's formats (its message names them)
     */
    public static void write(TableSpec spec, Path target, BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        String name = target.getFileName().toString();
        OutputFormat format = OutputFormat.of(name, OutputFormat.Language.EHRQL)
                .orElseThrow(() -> new IOException(OutputFormat.unsupported(name, OutputFormat.Language.EHRQL)));
        TableFile.write(target, spec, format, OutputFormat.Language.EHRQL, cancelled, progress);
    }
}
