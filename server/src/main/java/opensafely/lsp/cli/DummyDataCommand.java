package opensafely.lsp.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.study.CohortDummyAction;
import opensafely.lsp.study.DummyData;
import opensafely.lsp.study.DummyDataFile;
import opensafely.lsp.study.StudyDefinitionService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.SourceText;
import opensafely.lsp.workspace.StudyFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `dummy-data DEFINITION`: the dummy data cohort-extractor would make for a study definition from its
 * expectations, without running it or Docker. The population is --population, else project.yaml's
 * expectations.population_size, else 1000; the file is --output (`-` for stdout), else
 * output/input[_suffix].csv in the study folder, as generate_cohort names it. Its format follows its name
 * (dummydata.OutputFormat); the rows stream to it, so any population fits in memory.
 */
@Command(name = "dummy-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make dummy data for a cohort-extractor study definition from its expectations, or for an ehrQL dataset or measures definition.")
public final class DummyDataCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DEFINITION", description = "The study definition (analysis/study_definition*.py).")
    Path definition;

    @Option(names = "--population", paramLabel = "N", description = "Number of dummy patients (default: project.yaml's population_size, else 1000; for ehrQL, configure_dummy_data's population_size, else 10).")
    Integer population;

    @Option(names = "--output", paramLabel = "FILE", description = "File to write, its format chosen by its ending: .csv, .csv.gz or .feather"
            + " (.arrow for ehrQL); - for CSV on standard output.")
    String output;

    @Option(names = "--dummy-data-file", paramLabel = "FILE", description = "ehrQL: check this dummy dataset (.csv, .csv.gz, .arrow) against the definition's columns, as ehrQL does, and write it out"
            + " (default: the --dummy-data-file of the project.yaml action that runs the definition). Cohort-extractor: use it instead of generating (default: the action's dummy_data_file).")
    String dummyDataFile;

    @Option(names = "--dummy-tables", paramLabel = "DIR", description = "ehrQL: evaluate the dataset definition over these tables (one <table>.csv, .csv.gz or .arrow each, as"
            + " create-dummy-tables writes them; default: the --dummy-tables of the project.yaml action that runs the definition).")
    String dummyTables;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random draws (default: a fixed seed, so reruns make the same file).")
    Long seed;

    @Spec
    CommandSpec spec;

    /** For tests: where relative paths start, the streams, the clock. */
    Path workingDirectory;
    OutputStream stdout;
    PrintStream stderr;
    Clock clock = Clock.systemDefaultZone();

    @Override
    public Integer call() {
        PrintStream err = stderr != null ? stderr : System.err;
        Path cwd = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
        Path file = cwd.resolve(definition).toAbsolutePath().normalize();
        if (population != null && population < 1) throw new ParameterException(spec.commandLine(), "--population must be at least 1");
        if (population != null && population > DummyData.MAX_POPULATION) {
            err.println(PREFIX + String.format(Locale.ROOT, "--population must be at most %,d (the file and the time grow with it)",
                    DummyData.MAX_POPULATION));
            return 2;
        }
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (CheckedFile.binary(bytes)) {
                err.println(PREFIX + "cannot read " + definition + ": it is a binary file, not a study definition");
                return 2;
            }
            text = SourceText.decode(bytes).text();
        } catch (IOException e) {
            err.println(PREFIX + "cannot read " + definition + ": " + CheckCommand.describe(e));
            return 2;
        } catch (OutOfMemoryError e) {
            err.println(PREFIX + "cannot read " + definition + ": it is too large");
            return 2;
        }
        StudyFolder folder = StudyFolder.enclosing(file).orElse(StudyFolder.none());
        Document doc = new Document(file, text, 0, folder);
        if (EhrqlDummyData.handles(doc)) {
            return EhrqlDummyData.run(doc, definition.toString(), cwd, population, output, seed, dummyDataFile, dummyTables, clock, stdout, err);
        }
        if (!StudyDefinitionService.isStudyDefinition(doc)) {
            err.println(PREFIX + DummyDataFormat.notAStudyDefinition(definition.toString(), doc));
            return 2;
        }
        OutputFormat.Language language = OutputFormat.Language.COHORT_EXTRACTOR;
        if (!formatKnown(language, err)) return 2;
        if (dummyTables != null) {
            err.println(PREFIX + "--dummy-tables is for ehrQL definitions; cohort-extractor takes a --dummy-data-file");
            return 2;
        }
        String given = dummyDataFile == null ? null
                : folder.root().orElse(cwd).relativize(cwd.resolve(dummyDataFile).toAbsolutePath().normalize()).toString().replace('\\', '/');
        String dummyFile = given != null ? given : CohortDummyAction.declaredDummyDataFile(doc).orElse(null);
        if (dummyFile != null) {
            if (output != null && OutputFile.isStdout(output)) {
                err.println(PREFIX + "--output - writes generated data only; name a file to copy the dummy data file to");
                return 2;
            }
            Path target = output != null ? cwd.resolve(output) : DummyDataFile.defaultOutput(file, folder);
            DummyOutcome outcome = CohortDummyAction.make(doc, dummyFile, target, null, seed != null ? seed : DEFAULT_SEED, clock, () -> false, r -> { });
            outcome.notes().forEach(x -> err.println("note: " + x));
            if (!outcome.ok()) {
                err.println("No dummy data for " + definition + ":");
                outcome.problems().forEach(p -> err.println("  " + p));
                return 1;
            }
            err.println("Copied " + dummyFile + " (checked against the study definition's columns) to " + target);
            return 0;
        }
        int n = population != null ? population : DummyDataFile.populationSize(folder);
        DummyData.Plan plan = new DummyData(clock).plan(doc, n, seed != null ? seed : DEFAULT_SEED);
        if (!plan.ok()) {
            err.println("No dummy data for " + definition + ":");
            plan.problems().forEach(p -> err.println("  " + p));
            return 1;
        }
        return write(plan.table(), language, output, output != null ? cwd.resolve(output) : DummyDataFile.defaultOutput(file, folder),
                "dummy patients", stdout, err);
    }

    /** Whether --output names a format the language's tool writes (standard output is CSV); else says which do. */
    private boolean formatKnown(OutputFormat.Language language, PrintStream err) {
        if (output == null || OutputFile.isStdout(output) || OutputFormat.of(output, language).isPresent()) return true;
        err.println(PREFIX + "--output " + OutputFormat.unsupported(output, language) + ", or - for standard output.");
        return false;
    }

    /**
     * Streams a table to standard output ({@code output} is {@code -}) or {@code target}, in the format its name
     * asks for, and says what was written ("Wrote N {@code what} to ..."): exit 0, or 2 with one line when it
     * cannot be written. For study definitions and ehrQL ({@link EhrqlDummyData}) alike.
     */
    static int write(TableSpec table, OutputFormat.Language language, String output, Path target, String what,
                     OutputStream stdout, PrintStream err) {
        try {
            if (output != null && OutputFile.isStdout(output)) {
                OutputStream out = stdout != null ? stdout : System.out;
                TableFile.write(out, table, OutputFormat.CSV, language, () -> false, rows -> { });
                out.flush();
                return 0;
            }
            OutputFormat format = OutputFormat.of(target.getFileName().toString(), language).orElse(OutputFormat.CSV);
            TableFile.write(target, table, format, language, () -> false, rows -> { });
            err.println("Wrote " + table.rows() + " " + what + " to " + target);
            return 0;
        } catch (IOException e) {
            err.println(PREFIX + "cannot write the dummy data: " + CheckCommand.describe(e));
            return 2;
        }
    }

    /** The seed when none is given: fixed, so a rerun makes the same file (the editor's action uses it too). */
    static final long DEFAULT_SEED = DummyDataFile.DEFAULT_SEED;

    static final String PREFIX = "opensafely-lsp dummy-data: ";
}
