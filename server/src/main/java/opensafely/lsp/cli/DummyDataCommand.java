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
        description = "Make dummy data for a cohort-extractor study definition from its expectations.")
public final class DummyDataCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DEFINITION", description = "The study definition (analysis/study_definition*.py).")
    Path definition;

    @Option(names = "--population", paramLabel = "N", description = "Number of dummy patients (default: project.yaml's population_size, else 1000).")
    Integer population;

    @Option(names = "--output", paramLabel = "FILE", description = "CSV file to write, .csv or .csv.gz; - for standard output.")
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
        String text;
        try {
            text = SourceText.decode(Files.readAllBytes(file)).text();
        } catch (IOException e) {
            err.println("opensafely-lsp: cannot read " + definition + ": " + e.getMessage());
            return 2;
        }
        StudyFolder folder = StudyFolder.enclosing(file).orElse(StudyFolder.none());
        Document doc = new Document(file, text, 0, folder);
        if (!StudyDefinitionService.isStudyDefinition(doc)) {
            err.println(definition + " is not a cohort-extractor study definition. For an ehrQL dataset definition, ehrQL makes the"
                    + " dummy data itself: opensafely exec ehrql:v1 generate-dataset " + definition);
            return 2;
        }
        int n = population != null ? population : DummyDataFile.populationSize(folder);
        DummyData.Outcome outcome = new DummyData(clock).generate(doc, n, seed != null ? seed : System.nanoTime());
        if (!outcome.ok()) {
            err.println("No dummy data for " + definition + ":");
            outcome.problems().forEach(p -> err.println("  " + p));
            return 1;
        }
        try {
            if ("-".equals(output)) {
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
            err.println("opensafely-lsp: cannot write the dummy data: " + e.getMessage());
            return 2;
        }
    }
}
