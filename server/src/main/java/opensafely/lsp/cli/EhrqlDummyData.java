package opensafely.lsp.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.ehrql.DummyDataOutput;
import opensafely.lsp.ehrql.DummyDatasetSpec;
import opensafely.lsp.ehrql.EhrqlDummyAction;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * `dummy-data` for an ehrQL dataset or measures definition, through the same {@link EhrqlDummyAction} the editor
 * and the pipeline runner use: the user's dummy data file or dummy tables when --dummy-data-file / --dummy-tables
 * or the project.yaml action that runs the definition name them, else data generated from the static model; to
 * --output, else the action's --output, else output/dataset.csv.gz (output/measures.csv), atomically. The default
 * seed is fixed, so reruns give the same file on the same day.
 */
final class EhrqlDummyData {
    private EhrqlDummyData() {
    }

    /**
     * Whether this command handles the document: an ehrQL dataset or measures definition, by its imports or because
     * a project.yaml action runs it with generate-dataset / generate-measures (a file that only calls a helper of a
     * sibling module, {@code dataset = make_dataset(...)}, imports nothing from ehrql itself).
     */
    static boolean handles(Document doc) {
        return DatasetDefinitionService.isDatasetDefinition(doc) || DummyDataOutput.declaringRun(doc).isPresent();
    }

    static int run(Document doc, String shown, Path cwd, Integer population, String output, Long seed, String dummyDataFile, String dummyTables,
                   Clock clock, OutputStream stdout, PrintStream err) {
        long s = seed != null ? seed : DummyDataOutput.DEFAULT_SEED;
        LocalDate today = LocalDate.now(clock);
        EhrqlDummyAction.Sources sources;
        try {
            sources = sources(doc, cwd, dummyDataFile, dummyTables);
        } catch (IllegalArgumentException e) {
            err.println(DummyDataCommand.PREFIX + e.getMessage());
            return 2;
        }
        boolean measures = DummyDataOutput.measures(doc);
        // A run line's --dummy-tables does not apply to measures (set aside with a note); one given here is refused by make.
        boolean generate = sources.dummyDataFile() == null && (sources.dummyTables() == null || measures && sources.fromRunLine());
        if (OutputFile.isStdout(output)) {
            if (!generate) {
                err.println(DummyDataCommand.PREFIX + "--output - writes generated data only; name a file to write the dummy data file or tables to");
                return 2;
            }
            if (sources.dummyTables() != null) err.println("note: " + EhrqlDummyAction.tablesSetAside(sources));
            DummyDatasetSpec.Result r = DummyDataOutput.spec(doc, population, s, today);
            if (!r.ok()) {
                err.println("No dummy data for " + shown + ": " + r.problem());
                return 1;
            }
            return DummyDataCommand.write(r.spec(), OutputFormat.Language.EHRQL, output, null, DummyDataOutput.what(doc), stdout, err);
        }
        Path target = output != null ? cwd.resolve(output) : DummyDataOutput.defaultOutput(doc);
        String name = target.getFileName().toString();
        if (OutputFormat.of(name, OutputFormat.Language.EHRQL).isEmpty()) {
            err.println(DummyDataCommand.PREFIX + "--output " + OutputFormat.unsupported(name, OutputFormat.Language.EHRQL));
            return 2;
        }
        DummyOutcome outcome = EhrqlDummyAction.make(doc, sources, target, population, s, today, () -> false, rows -> { });
        outcome.notes().forEach(n -> err.println("note: " + n));
        if (!outcome.ok()) {
            err.println("No dummy data for " + shown + ":");
            outcome.problems().forEach(p -> err.println("  " + p));
            return 1;
        }
        String from = sources.dummyDataFile() != null ? " from " + sources.dataFileShown() : sources.tablesUsed(measures) ? " from the tables in " + sources.tablesShown() : "";
        err.println("Wrote " + outcome.rows() + " " + (generate ? DummyDataOutput.what(doc) : measures ? "rows of measures" : "patients") + from + " to " + target);
        return 0;
    }

    /**
     * The options given, else those of the project.yaml action that runs the definition. Given ones are relative
     * to the working directory, the action's to the study folder; both must lie in the study.
     */
    private static EhrqlDummyAction.Sources sources(Document doc, Path cwd, String dummyDataFile, String dummyTables) {
        StudyFolder folder = doc.folder().known() ? doc.folder() : StudyFolder.around(doc.path());
        if (dummyDataFile != null || dummyTables != null) {
            Path root = folder.root().orElse(cwd);
            return EhrqlDummyAction.sources(folder, relative(root, cwd, dummyDataFile), relative(root, cwd, dummyTables));
        }
        return EhrqlDummyAction.declaredSources(doc);
    }

    private static String relative(Path root, Path cwd, String given) {
        if (given == null) return null;
        return root.relativize(cwd.resolve(given).toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

}
