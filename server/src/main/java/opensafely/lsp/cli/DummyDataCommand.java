package opensafely.lsp.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
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
 * output/input[_suffix].csv in the study folder, as generate_cohort names it.
 */
@Command(name = "dummy-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make dummy data for a cohort-extractor study definition from its expectations, or for an ehrQL dataset or measures definition.")
public final class DummyDataCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DEFINITION", description = "The study definition (analysis/study_definition*.py).")
    Path definition;

    @Option(names = "--population", paramLabel = "N", description = "Number of dummy patients (default: project.yaml's population_size, else 1000; for ehrQL, configure_dummy_data's population_size, else 10).")
    Integer population;

    @Option(names = "--output", paramLabel = "FILE", description = "CSV file to write, .csv or .csv.gz (a new or ordinary file); - for standard output.")
    String output;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random draws, for the same data every time (default: random).")
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
        if (output != null && !OutputFile.isStdout(output) && !DummyDataFormat.supported(output)) {
            err.println(PREFIX + "--output " + output + ": " + DummyDataFormat.SUPPORTED + ".");
            return 2;
        }
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (DummyDataFormat.binary(bytes)) {
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
            return EhrqlDummyData.run(doc, definition.toString(), cwd, population, output, seed, clock, stdout, err);
        }
        if (!StudyDefinitionService.isStudyDefinition(doc)) {
            err.println(PREFIX + DummyDataFormat.notAStudyDefinition(definition.toString(), doc));
            return 2;
        }
        int n = population != null ? population : DummyDataFile.populationSize(folder);
        try {
            DummyData.Outcome outcome = new DummyData(clock).generate(doc, n, seed != null ? seed : System.nanoTime());
            if (outcome.tooLarge()) {
                err.println(PREFIX + outcome.problems().get(0) + " Ask for fewer with --population, or give Java more memory (java -Xmx8g -jar ...).");
                return 2;
            }
            if (!outcome.ok()) {
                err.println("No dummy data for " + definition + ":");
                outcome.problems().forEach(p -> err.println("  " + p));
                return 1;
            }
            if (output != null && OutputFile.isStdout(output)) {
                OutputStream out = stdout != null ? stdout : System.out;
                out.write(DummyDataFile.csv(outcome.columns(), outcome.rows()));
                out.flush();
                return 0;
            }
            Path target = output != null ? cwd.resolve(output) : DummyDataFile.defaultOutput(file, folder);
            DummyDataFile.write(target, outcome);
            err.println("Wrote " + outcome.rows().size() + " dummy patients to " + target);
            return 0;
        } catch (IOException e) {
            err.println(PREFIX + "cannot write the dummy data: " + CheckCommand.describe(e));
            return 2;
        } catch (OutOfMemoryError e) {
            // The estimate is rough; the table is in memory until it streams (issue #10).
            err.println(PREFIX + "ran out of memory making " + n + " dummy patients; ask for fewer with --population,"
                    + " or give Java more memory (java -Xmx8g -jar ...)");
            return 2;
        }
    }

    private static final String PREFIX = "opensafely-lsp dummy-data: ";
}
