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

    /** ehrQL's two commands, as a project.yaml run line names them. */
    public static final String DATASET_COMMAND = "generate-dataset", MEASURES_COMMAND = "generate-measures";

    private static final java.util.regex.Pattern MEASURES_MADE = java.util.regex.Pattern.compile("\\bcreate_measures\\s*\\(|\\bMeasures\\s*\\(");
    private static final java.util.regex.Pattern DATASET_MADE = java.util.regex.Pattern.compile("\\bcreate_dataset\\s*\\(|\\bDataset\\s*\\(");

    /**
     * A measures definition (generate-measures) rather than a dataset definition: what the project.yaml action
     * that runs the file says (its command), since a measures file may also build a dataset and a dataset file
     * may come from a helper; only when no action runs it, a guess from the text (a measures collection made,
     * by create_measures() or Measures(), and no dataset).
     */
    public static boolean measures(Document doc) {
        return declaringRun(doc).map(r -> r.command().equals(MEASURES_COMMAND)).orElseGet(() -> measuresByText(doc.text()));
    }

    static boolean measuresByText(String text) {
        return MEASURES_MADE.matcher(text).find() && !DATASET_MADE.matcher(text).find();
    }

    /**
     * The run line of the project.yaml action that runs ehrQL's {@code generate-dataset} or
     * {@code generate-measures} on this definition; empty when there is no usable project.yaml or no action does.
     */
    public static Optional<RunCommand> declaringRun(Document doc) {
        if (doc.path() == null) return Optional.empty();
        StudyFolder folder = doc.folder();
        Optional<String> relative = folder.relativePath(doc.path());
        Optional<Project> project = relative.isEmpty() ? Optional.empty() : ProjectOnDisk.read(folder);
        if (project.isEmpty()) return Optional.empty();
        String rel = relative.get();
        for (Action a : project.get().actions()) {
            RunCommand run = a.run();
            if (run == null || !run.parsed() || !(run.command().equals(DATASET_COMMAND) || run.command().equals(MEASURES_COMMAND))) continue;
            Optional<RunCommand.Word> def = run.definitionArgument();
            if (def.isPresent() && (def.get().value().equals(rel) || def.get().value().equals("./" + rel))) return Optional.of(run);
        }
        return Optional.empty();
    }

    /** The table of a dataset or measures definition (--population applies to datasets only). */
    public static DummyDatasetSpec.Result spec(Document doc, Integer population, long seed, LocalDate today) {
        return spec(doc, measures(doc), null, population, seed, today);
    }

    /**
     * The table of the definition read as a measures definition or as a dataset definition, as the caller knows.
     *
     * @param userArgs the run line's words after {@code --}; null: those of the action that runs the definition
     */
    public static DummyDatasetSpec.Result spec(Document doc, boolean measures, java.util.List<String> userArgs, Integer population, long seed, LocalDate today) {
        try {
            return measures ? DummyMeasuresSpec.build(doc, userArgs, seed, today) : DummyDatasetSpec.build(doc, population, seed, today);
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
        Optional<RunCommand> run = declaringRun(doc);
        boolean m = run.map(r -> r.command().equals(MEASURES_COMMAND)).orElseGet(() -> measuresByText(doc.text()));
        return run.flatMap(r -> r.option("--output")).map(RunCommand.Word::value).filter(v -> !v.isEmpty() && !v.contains(".."))
                .map(base::resolve).orElse(base.resolve("output").resolve(m ? "measures.csv" : "dataset.csv.gz"));
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
