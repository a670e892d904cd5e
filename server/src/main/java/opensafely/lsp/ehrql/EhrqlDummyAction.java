package opensafely.lsp.ehrql;

import static opensafely.lsp.pipeline.RunCommand.optionIn;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/**
 * What ehrQL does without a database, for one {@code generate-dataset} or {@code generate-measures} run: the
 * user's dummy data file, checked and converted ({@code --dummy-data-file}, {@link DummyDataFileCheck}); else the
 * definition evaluated over the user's dummy tables ({@code --dummy-tables}, {@link DummyTables}); else dummy data
 * generated from the definition ({@link DummyDataOutput}). The command line, the editor and the pipeline runner
 * all come here, so they cannot disagree.
 */
public final class EhrqlDummyAction {
    /**
     * Where the rows come from besides the definition: a dummy data file or a dummy tables folder (absolute paths,
     * read through the study folder only), with the names the user wrote, for messages. Both null: generate.
     */
    public record Sources(Path dummyDataFile, String dataFileShown, Path dummyTables, String tablesShown, boolean fromRunLine) {
        public static final Sources GENERATE = new Sources(null, null, null, null);

        /** Sources the user gave this command themselves. */
        public Sources(Path dummyDataFile, String dataFileShown, Path dummyTables, String tablesShown) {
            this(dummyDataFile, dataFileShown, dummyTables, tablesShown, false);
        }

        /** The same sources, named by the run line of the action rather than by the user of this command. */
        public Sources fromTheRunLine() {
            return new Sources(dummyDataFile, dataFileShown, dummyTables, tablesShown, true);
        }

        /**
         * Whether the dummy tables are evaluated: always for a dataset definition; for measures, which this tool
         * computes from generated data only, never (a run line's --dummy-tables is then set aside with a note,
         * one given to this command is refused).
         */
        public boolean tablesUsed(boolean measures) {
            return dummyTables != null && !measures;
        }
    }

    private EhrqlDummyAction() {
    }

    /**
     * Runs a database action's ehrQL command without a database, as ehrQL does locally.
     *
     * @param study      the study folder (dummy data files and tables are read through it, relative to its root)
     * @param definition the definition file, inside the study
     * @param args       the run line's words after the image: {@code generate-dataset analysis/dd.py --output
     *                   output/x.csv.gz [--dummy-data-file F | --dummy-tables D] [-- params]}
     * @param target     the folder the output is written into (the job's workspace): {@code --output} is relative to it
     * @param seed       the seed of generated data
     * @param today      ehrQL's "today" for generated data
     * @param cancelled  asked between batches; a cancel leaves no output file and returns a problem
     * @param progress   hears the number of rows written so far
     */
    public static DummyOutcome run(StudyFolder study, Path definition, List<String> args, Path target, long seed, LocalDate today,
                                   BooleanSupplier cancelled, LongConsumer progress) {
        String command = args.isEmpty() ? "" : args.get(0);
        if (!command.equals("generate-dataset") && !command.equals("generate-measures")) {
            return DummyOutcome.failed("`" + command + "` is not an ehrQL command this tool can run without a database (generate-dataset, generate-measures)");
        }
        Optional<String> output = optionIn(args, "--output");
        if (output.isEmpty() || output.get().isEmpty()) return DummyOutcome.failed(command + " has no --output: name the file it writes");
        Path base = target.toAbsolutePath().normalize();
        Path out = base.resolve(output.get()).normalize();
        if (!out.startsWith(base) || out.equals(base)) return DummyOutcome.failed("--output " + output.get() + " lies outside the job's folder");
        Optional<String> text = study.readString(definition);
        if (text.isEmpty()) return DummyOutcome.failed(definition.getFileName() + ": cannot be read (missing, or outside the study folder)");
        Document doc = new Document(definition.toAbsolutePath().normalize(), text.get(), 0, study);
        Sources sources;
        try {
            sources = sources(study, optionIn(args, "--dummy-data-file").orElse(null), optionIn(args, "--dummy-tables").orElse(null)).fromTheRunLine();
        } catch (IllegalArgumentException e) {
            return DummyOutcome.failed(e.getMessage());
        }
        // The run line says which kind of definition this is; no guess from the text.
        return make(doc, command.equals(DummyDataOutput.MEASURES_COMMAND), DummyMeasuresSpec.afterDashes(args), sources, out, null, seed, today, cancelled, progress);
    }

    /**
     * Dummy data for a definition into {@code out}, from the sources given.
     *
     * @param population overrides the definition's population_size when generating (null: the definition's)
     */
    public static DummyOutcome make(Document doc, Sources sources, Path out, Integer population, long seed, LocalDate today,
                                    BooleanSupplier cancelled, LongConsumer progress) {
        return make(doc, DummyDataOutput.measures(doc), null, sources, out, population, seed, today, cancelled, progress);
    }

    /**
     * Dummy data for a definition read as a measures definition ({@code generate-measures}) or a dataset
     * definition ({@code generate-dataset}), with the run line's arguments after {@code --} (null: those of the
     * project.yaml action that runs it).
     */
    public static DummyOutcome make(Document doc, boolean measures, List<String> userArgs, Sources sources, Path out, Integer population, long seed, LocalDate today,
                                    BooleanSupplier cancelled, LongConsumer progress) {
        try {
            if (sources.dummyDataFile() != null) {
                DummyDataFileCheck.Columns columns = measures ? measuresColumns(doc, userArgs, seed, today) : DummyDatasetSpec.fileColumns(doc);
                if (columns.problem() != null) return DummyOutcome.failed("the columns of " + doc.path().getFileName() + " are not known: " + columns.problem());
                return DummyDataFileCheck.copy(doc.folder(), sources.dummyDataFile(), sources.dataFileShown(), columns.list(), out, cancelled, progress);
            }
            List<String> notes = new ArrayList<>();
            if (sources.tablesUsed(measures)) return DummyTables.evaluate(doc, sources.dummyTables(), sources.tablesShown(), out, cancelled, progress);
            if (sources.dummyTables() != null) {
                // Measures over dummy tables need every measure evaluated per interval: not done by this tool. The
                // action's run line asks for them as its way of running locally; generated measures still serve there.
                if (!sources.fromRunLine()) {
                    return DummyOutcome.failed("--dummy-tables with a measures definition is not supported by this tool: it makes measures from"
                            + " generated data only; leave out --dummy-tables, or run ehrQL itself (opensafely exec ehrql:v1 generate-measures ...)");
                }
                notes.add(tablesSetAside(sources));
            }
            DummyDatasetSpec.Result r = DummyDataOutput.spec(doc, measures, userArgs, population, seed, today);
            if (!r.ok()) return DummyOutcome.failed(r.problem());
            DummyDataOutput.write(r.spec(), out, cancelled, progress);
            return DummyOutcome.wrote(out, r.spec().rows(), notes);
        } catch (CancellationException e) {
            return DummyOutcome.failed("cancelled");
        } catch (IOException e) {
            return DummyOutcome.failed("cannot write " + out.getFileName() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** The note for a run line's --dummy-tables that a measures definition does not use. */
    public static String tablesSetAside(Sources sources) {
        return "the run line's --dummy-tables " + sources.tablesShown() + " was not used: this tool makes measures from generated data,"
                + " not from dummy tables (ehrQL itself computes them from the tables)";
    }

    /** The sources a run line names, relative to the study folder; a path that leaves it is refused. */
    public static Sources sources(StudyFolder study, String dummyDataFile, String dummyTables) {
        if (dummyDataFile != null && dummyTables != null) {
            throw new IllegalArgumentException("give --dummy-data-file or --dummy-tables, not both");
        }
        return new Sources(inside(study, dummyDataFile, "--dummy-data-file"), dummyDataFile, inside(study, dummyTables, "--dummy-tables"), dummyTables);
    }

    private static Path inside(StudyFolder study, String rel, String option) {
        if (rel == null) return null;
        if (rel.isEmpty()) throw new IllegalArgumentException(option + " has no value");
        return study.resolve(rel).orElseThrow(() -> new IllegalArgumentException(option + " " + rel + ": it lies outside the study folder; only files of the study are read"));
    }


    /**
     * The dummy data sources the project.yaml action that runs this definition names in its run line
     * ({@code --dummy-data-file}, {@code --dummy-tables}, relative to the study folder); GENERATE when none.
     *
     * @throws IllegalArgumentException when a path leaves the study folder, or both are given (its message says so)
     */
    public static Sources declaredSources(Document doc) {
        Optional<RunCommand> run = DummyDataOutput.declaringRun(doc);
        if (run.isEmpty()) return Sources.GENERATE;
        List<String> words = run.get().args().stream().map(RunCommand.Word::value).toList();
        return sources(doc.folder(), optionIn(words, "--dummy-data-file").orElse(null), optionIn(words, "--dummy-tables").orElse(null)).fromTheRunLine();
    }


    /** A measures file's columns: ehrQL's six, then the group-by columns (whose types the check leaves alone). */
    private static DummyDataFileCheck.Columns measuresColumns(Document doc, List<String> userArgs, long seed, LocalDate today) {
        DummyDatasetSpec.Result r = DummyMeasuresSpec.build(doc, userArgs, seed, today);
        if (!r.ok()) return new DummyDataFileCheck.Columns(null, r.problem());
        List<DummyDataFileCheck.Expected> out = new ArrayList<>();
        int i = 0;
        for (ColumnSpec c : r.spec().columns()) {
            String type = i++ < 6 ? primitive(c.type()) : null;
            out.add(new DummyDataFileCheck.Expected(c.name(), type, null, true));
        }
        return new DummyDataFileCheck.Columns(out, null);
    }

    private static String primitive(ColumnType t) {
        return switch (t) {
            case BOOLEAN -> "bool";
            case INTEGER -> "int";
            case FLOAT -> "float";
            case DATE -> "date";
            case STRING -> "str";
        };
    }
}
