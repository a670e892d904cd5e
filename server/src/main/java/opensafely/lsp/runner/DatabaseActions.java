package opensafely.lsp.runner;

import static opensafely.lsp.pipeline.RunCommand.optionIn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.ehrql.DummyDataOutput;
import opensafely.lsp.ehrql.EhrqlDummyAction;
import opensafely.lsp.study.CohortDummyAction;
import opensafely.lsp.study.DummyDataFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The database actions without a database or Docker: ehrQL's {@code generate-dataset}/{@code generate-measures}
 * and cohort-extractor's {@code generate_cohort} write dummy data into the job's workspace, through the same
 * entry points as {@code dummy-data} and the editor ({@link EhrqlDummyAction}, {@link CohortDummyAction}): the
 * run line's {@code --dummy-data-file} checked and converted, {@code --dummy-tables} evaluated, else generated.
 * The declared outputs are then matched there as for any job.
 */
public final class DatabaseActions {
    private final Clock clock;

    public DatabaseActions(Clock clock) {
        this.clock = clock;
    }

    /** Whether the command is a database action done here (anything else from those images cannot run locally). */
    public static boolean handles(JobCommand c) {
        return switch (c.image()) {
            case "ehrql", "databuilder" -> c.command().equals("generate-dataset") || c.command().equals("generate-measures");
            case "cohortextractor" -> c.command().equals("generate_cohort");
            default -> false;
        };
    }

    /** Whether the image is one of the database images (their other commands need Docker). */
    public static boolean databaseImage(String image) {
        return image.equals("ehrql") || image.equals("databuilder") || image.equals("cohortextractor");
    }

    /** Writes the dummy data; lines for the log; the exit code a container would give (0, or 1 with the reasons logged). */
    public int run(JobCommand c, Path workspace, Consumer<String> log, BooleanSupplier cancelled) throws IOException {
        // The job's folder holds the study's code (and the dummy data files the run line names, which are code).
        StudyFolder study = StudyFolder.at(workspace);
        if (c.image().equals("cohortextractor")) {
            List<Path> definitions = studyDefinitions(c.args(), workspace);
            if (definitions.isEmpty()) return fail(log, List.of("no study definition (analysis/study_definition*.py) to generate a cohort from"));
            for (Path def : definitions) {
                DummyOutcome o = CohortDummyAction.run(study, def, c.args(), null, workspace, DummyDataFile.DEFAULT_SEED, clock, cancelled, rows -> { });
                if (!report(o, workspace, log)) return 1;
            }
            return 0;
        }
        List<String> args = c.args();
        java.util.OptionalInt at = opensafely.lsp.pipeline.RunCommand.definitionIndex(args);
        if (at.isEmpty()) return fail(log, List.of(c.command() + " needs a definition file"));
        Path definition = workspace.resolve(args.get(at.getAsInt())).normalize();
        DummyOutcome o = EhrqlDummyAction.run(study, definition, args, workspace, DummyDataOutput.DEFAULT_SEED, LocalDate.now(clock),
                cancelled, rows -> { });
        return report(o, workspace, log) ? 0 : 1;
    }

    /** `--study-definition NAME`, else every analysis/study_definition*.py, as generate_cohort picks them. */
    private static List<Path> studyDefinitions(List<String> args, Path ws) throws IOException {
        List<Path> definitions = new ArrayList<>();
        Optional<String> named = optionIn(args, "--study-definition");
        if (named.isPresent()) {
            definitions.add(ws.resolve("analysis").resolve(named.get() + ".py").normalize());
        } else if (Files.isDirectory(ws.resolve("analysis"))) {
            try (Stream<Path> s = Files.list(ws.resolve("analysis"))) {
                s.filter(p -> p.getFileName().toString().matches("study_definition.*\\.py")).sorted().forEach(definitions::add);
            }
        }
        return definitions;
    }

    /** Logs what was written, or each problem; whether it succeeded. */
    private static boolean report(DummyOutcome o, Path ws, Consumer<String> log) {
        o.notes().forEach(n -> log.accept("note: " + n));
        if (!o.ok()) {
            fail(log, o.problems());
            return false;
        }
        for (Path p : o.written()) {
            String rel = JobWorkspace.relative(ws, p);
            log.accept(o.rows() < 0 ? "Copied the dummy data file to " + rel : "Wrote " + o.rows() + " rows of dummy data to " + rel);
        }
        return true;
    }


    private static int fail(Consumer<String> log, List<String> problems) {
        problems.forEach(p -> log.accept("error: " + p));
        return 1;
    }
}
