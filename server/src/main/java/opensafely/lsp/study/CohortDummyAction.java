package opensafely.lsp.study;

import static opensafely.lsp.pipeline.RunCommand.optionIn;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.yaml.YamlScalar;

/**
 * What cohort-extractor's {@code generate_cohort} does without a database, for one action: the action's
 * {@code dummy_data_file} checked and copied ({@link CohortDummyFile}), else dummy data from the study's
 * expectations ({@link DummyData}). The command line and the pipeline runner both come here.
 */
public final class CohortDummyAction {
    private CohortDummyAction() {
    }

    /**
     * Runs a cohortextractor action's command without a database.
     *
     * @param study          the study folder (the definition and the dummy data file are read through it)
     * @param definition     the study definition file, inside the study
     * @param args           the run line's words after the image: {@code generate_cohort --study-definition
     *                       study_definition [--output-dir output] [--output-format csv|csv.gz|feather]
     *                       [--expectations-population N] [--dummy-data-file F]}
     * @param dummyDataFile  the action's {@code dummy_data_file:} (relative to the study folder), or null
     * @param target         the folder the output is written into (the job's workspace); --output-dir is relative to it
     * @param seed           the seed of generated data
     * @param clock          today's date for expectations
     * @param cancelled      asked between batches; a cancel leaves no file and returns a problem
     * @param progress       hears the number of rows written so far
     */
    public static DummyOutcome run(StudyFolder study, Path definition, List<String> args, String dummyDataFile, Path target, long seed,
                                   Clock clock, BooleanSupplier cancelled, LongConsumer progress) {
        String command = args.isEmpty() ? "" : args.get(0);
        if (!command.equals("generate_cohort")) {
            return DummyOutcome.failed("`" + command + "` is not a cohort-extractor command this tool can run without a database (generate_cohort)");
        }
        if (optionIn(args, "--index-date-range").isPresent()) {
            return DummyOutcome.failed("generate_cohort --index-date-range is not supported by this tool yet; use cohort-extractor itself");
        }
        String dir = optionIn(args, "--output-dir").orElse("output");
        String format = optionIn(args, "--output-format").orElse("csv");
        Path base = target.toAbsolutePath().normalize();
        Path outDir = base.resolve(dir).normalize();
        if (!outDir.startsWith(base)) return DummyOutcome.failed("--output-dir " + dir + " lies outside the job's folder");
        String stem = definition.getFileName().toString().replaceFirst("\\.py$", "");
        String suffix = stem.startsWith("study_definition") ? stem.substring("study_definition".length()) : "_" + stem;
        Path out = outDir.resolve("input" + suffix + "." + format);
        if (OutputFormat.of(out.getFileName().toString(), OutputFormat.Language.COHORT_EXTRACTOR).isEmpty()) {
            return DummyOutcome.failed("--output-format " + format + ": " + OutputFormat.unsupported(out.getFileName().toString(), OutputFormat.Language.COHORT_EXTRACTOR));
        }
        Optional<String> text = study.readString(definition);
        if (text.isEmpty()) return DummyOutcome.failed(definition.getFileName() + ": cannot be read (missing, or outside the study folder)");
        Document doc = new Document(definition.toAbsolutePath().normalize(), text.get(), 0, study);
        String file = dummyDataFile != null ? dummyDataFile : optionIn(args, "--dummy-data-file").orElse(null);
        Integer population = null;
        Optional<String> pop = optionIn(args, "--expectations-population");
        if (pop.isPresent()) {
            if (!pop.get().matches("\\d{1,9}") || Long.parseLong(pop.get()) < 1 || Long.parseLong(pop.get()) > DummyData.MAX_POPULATION) {
                return DummyOutcome.failed("--expectations-population " + pop.get() + ": a whole number from 1 to " + DummyData.MAX_POPULATION);
            }
            population = Integer.parseInt(pop.get());
        }
        return make(doc, file, out, population, seed, clock, cancelled, progress);
    }

    /**
     * Dummy data for a study definition into {@code out}: from {@code dummyDataFile} (relative to the study folder)
     * when given, else generated for {@code population} patients (null: project.yaml's population_size).
     */
    public static DummyOutcome make(Document doc, String dummyDataFile, Path out, Integer population, long seed, Clock clock,
                                    BooleanSupplier cancelled, LongConsumer progress) {
        StudyFolder study = doc.folder();
        try {
            if (dummyDataFile != null) {
                Optional<Path> file = study.resolve(dummyDataFile);
                if (file.isEmpty() || dummyDataFile.isEmpty()) return DummyOutcome.failed("dummy_data_file " + dummyDataFile + ": it lies outside the study folder; only files of the study are read");
                DummyData.Plan plan = new DummyData(clock).plan(doc, 1, seed);
                List<String> problems = CohortDummyFile.check(study, file.get(), dummyDataFile, out, plan.ok() ? plan.table().columns() : null);
                if (!problems.isEmpty()) return DummyOutcome.failed(problems);
                CohortDummyFile.copy(study, file.get(), dummyDataFile, out);
                List<String> notes = plan.ok() ? List.of() : List.of("the study's columns are not known to this tool, so " + dummyDataFile + " was copied unchecked");
                return new DummyOutcome(List.of(out), -1, List.of(), notes);
            }
            long n = population != null ? population : DummyDataFile.populationSize(study);
            DummyData.Plan plan = new DummyData(clock).plan(doc, n, seed);
            if (!plan.ok()) return DummyOutcome.failed(plan.problems());
            OutputFormat format = OutputFormat.of(out.getFileName().toString(), OutputFormat.Language.COHORT_EXTRACTOR).orElse(OutputFormat.CSV);
            TableFile.write(out, plan.table(), format, OutputFormat.Language.COHORT_EXTRACTOR, cancelled, progress);
            return DummyOutcome.wrote(out, plan.table().rows(), List.of());
        } catch (CancellationException e) {
            return DummyOutcome.failed("cancelled");
        } catch (IOException e) {
            return DummyOutcome.failed("cannot write " + out.getFileName() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** The {@code dummy_data_file} of the project.yaml action that runs generate_cohort on this study definition, if any. */
    public static Optional<String> declaredDummyDataFile(Document doc) {
        Optional<Project> project = ProjectOnDisk.read(doc.folder());
        if (project.isEmpty() || doc.path() == null) return Optional.empty();
        String stem = doc.path().getFileName().toString().replaceFirst("\\.py$", "");
        for (Action a : project.get().actions()) {
            RunCommand run = a.run();
            if (run == null || !run.parsed() || !run.command().equals("generate_cohort")) continue;
            String named = run.option("--study-definition").map(RunCommand.Word::value).orElse("study_definition");
            if (!named.equals(stem)) continue;
            if (a.get("dummy_data_file").orElse(null) instanceof YamlScalar s && !s.value().isEmpty()) return Optional.of(s.value());
        }
        return Optional.empty();
    }

}
