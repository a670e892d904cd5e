package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.ehrql.DummyDataOutput;
import opensafely.lsp.ehrql.DummyDatasetSpec;
import opensafely.lsp.study.DummyData;
import opensafely.lsp.study.DummyDataFile;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.SourceText;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The database actions without a database or Docker: ehrQL's {@code generate-dataset}/{@code generate-measures}
 * and cohort-extractor's {@code generate_cohort} write the dummy data this project's engine makes from the
 * definition, into the job's workspace, where the declared outputs are then matched as for any job. The one place
 * the runner reaches the dummy-data code, so a richer entry point (dummy tables, dummy data files) swaps in here.
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

    /** Writes the dummy data; lines for the log; the exit code a container would give (0, or 1 with the reason logged). */
    public int run(JobCommand c, Path workspace, Consumer<String> log, BooleanSupplier cancelled) throws IOException {
        return c.image().equals("cohortextractor") ? cohort(c, workspace, log, cancelled) : ehrql(c, workspace, log, cancelled);
    }

    private int ehrql(JobCommand c, Path ws, Consumer<String> log, BooleanSupplier cancelled) throws IOException {
        List<String> args = c.args();
        if (args.size() < 2) return fail(log, c.command() + " needs a definition file");
        String definition = args.get(1);
        Optional<String> output = option(args, "--output");
        if (output.isEmpty()) return fail(log, "this runner writes dummy data only to a file: add --output to the run line");
        Path target = inside(ws, output.get());
        Files.createDirectories(target.getParent());
        Optional<String> dummyFile = option(args, "--dummy-data-file");
        if (dummyFile.isPresent()) {
            // ehrQL checks the file against the definition and writes it out; here it is copied as it is.
            Path from = inside(ws, dummyFile.get());
            if (!Files.isRegularFile(from)) return fail(log, "--dummy-data-file " + dummyFile.get() + " is not in the study folder (is it matched by an output pattern?)");
            Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
            log.accept("Wrote " + dummyFile.get() + " to " + output.get());
            return 0;
        }
        if (option(args, "--dummy-tables").isPresent()) {
            return fail(log, "--dummy-tables is not supported by the local executor yet; run with --executor docker");
        }
        Optional<Document> doc = document(ws, definition);
        if (doc.isEmpty()) return fail(log, "cannot read " + definition);
        DummyDatasetSpec.Result r = DummyDataOutput.spec(doc.get(), null, DummyDataOutput.DEFAULT_SEED, LocalDate.now(clock));
        if (!r.ok()) return fail(log, "no dummy data for " + definition + ": " + r.problem());
        DummyDataOutput.write(r.spec(), target, cancelled, rows -> { });
        log.accept("Wrote " + r.spec().rows() + " " + DummyDataOutput.what(doc.get()) + " to " + output.get());
        return 0;
    }

    private int cohort(JobCommand c, Path ws, Consumer<String> log, BooleanSupplier cancelled) throws IOException {
        List<String> args = c.args();
        StudyFolder folder = StudyFolder.at(ws);
        List<Path> definitions = new ArrayList<>();
        Optional<String> named = option(args, "--study-definition");
        if (named.isPresent()) {
            definitions.add(inside(ws, "analysis/" + named.get() + ".py"));
        } else {
            try (Stream<Path> s = Files.list(ws.resolve("analysis"))) {
                s.filter(p -> p.getFileName().toString().matches("study_definition.*\\.py")).sorted().forEach(definitions::add);
            }
        }
        if (definitions.isEmpty()) return fail(log, "no study definition (analysis/study_definition*.py) to generate a cohort from");
        int population = option(args, "--expectations-population").filter(s -> s.matches("\\d{1,9}")).map(Integer::parseInt)
                .orElse(DummyDataFile.populationSize(folder));
        String format = option(args, "--output-format").orElse("csv");
        for (Path def : definitions) {
            Optional<Document> doc = document(ws, JobWorkspace.relative(ws, def));
            if (doc.isEmpty()) return fail(log, "cannot read " + JobWorkspace.relative(ws, def));
            DummyData.Plan plan = new DummyData(clock).plan(doc.get(), population, DummyDataFile.DEFAULT_SEED);
            if (!plan.ok()) {
                plan.problems().forEach(log);
                return fail(log, "no dummy data for " + JobWorkspace.relative(ws, def));
            }
            Path target = DummyDataFile.defaultOutput(def, folder);
            String name = target.getFileName().toString().replaceFirst("\\.csv$", "." + format);
            Optional<String> dir = option(args, "--output-dir");
            target = dir.isPresent() ? inside(ws, dir.get() + "/" + name) : target.resolveSibling(name);
            OutputFormat fmt = OutputFormat.of(name, OutputFormat.Language.COHORT_EXTRACTOR).orElse(null);
            if (fmt == null) return fail(log, "--output-format " + format + " is not one cohort-extractor writes");
            Files.createDirectories(target.getParent());
            TableFile.write(target, plan.table(), fmt, OutputFormat.Language.COHORT_EXTRACTOR, cancelled, rows -> { });
            log.accept("Wrote " + plan.table().rows() + " dummy patients to " + JobWorkspace.relative(ws, target));
        }
        return 0;
    }

    private static Optional<Document> document(Path ws, String relative) {
        StudyFolder folder = StudyFolder.at(ws);
        Optional<Path> p = folder.resolve(relative);
        Optional<byte[]> bytes = p.flatMap(x -> folder.readBytes(x, StudyFolder.MAX_TEXT_BYTES));
        if (bytes.isEmpty()) return Optional.empty();
        return Optional.of(new Document(p.get(), SourceText.decode(bytes.get()).text(), 0, folder));
    }

    /** {@code --name value} or {@code --name=value}, as the engines' argument parsers read them. */
    static Optional<String> option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) break; // what follows are the definition's own parameters
            if (a.equals(name) && i + 1 < args.size()) return Optional.of(args.get(i + 1));
            if (a.startsWith(name + "=")) return Optional.of(a.substring(name.length() + 1));
        }
        return Optional.empty();
    }

    private static Path inside(Path ws, String rel) throws IOException {
        Path p = ws.resolve(rel).normalize();
        if (!p.startsWith(ws)) throw new IOException(rel + " is outside the study folder");
        return p;
    }

    private static int fail(Consumer<String> log, String why) {
        log.accept("error: " + why);
        return 1;
    }
}
