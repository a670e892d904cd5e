package opensafely.lsp.study;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.CsvDialect;
import opensafely.lsp.dummydata.CsvTableWriter;
import opensafely.lsp.dummydata.Generator;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.dummydata.TableWriter;
import opensafely.lsp.study.StudyAnalyzer.Analysis;
import opensafely.lsp.workspace.Document;

/**
 * Dummy data for a cohort-extractor study definition, made from its expectations as {@code generate_cohort
 * --expectations-population N} makes it (see shared/spec/dummy-data.md): same columns in the same order, same
 * distributions and incidences, same formats; not the same random draws. The study is read by the static
 * analysis, never run. What the analysis cannot resolve, or cohort-extractor would reject, is a problem and
 * no table is made. The table is a specification for the streaming engine ({@link #plan}), so memory does not
 * grow with the population; {@link #generate} also makes the rows in memory, for small tables.
 */
public final class DummyData {
    /**
     * The most patients asked for at once: not a memory limit (the table streams) but a bound on the file and
     * the time (a hundred million patients is some 10 GB of CSV per 10 columns and about a quarter of an hour).
     */
    public static final long MAX_POPULATION = 100_000_000L;

    /** The generated table (header and rows of CSV fields, as cohort-extractor writes them), or the reasons there is none. */
    public record Outcome(List<String> columns, List<List<String>> rows, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The table to stream (null when there are problems), or the reasons there is none. */
    public record Plan(TableSpec table, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final StudyAnalyzer analyzer = new StudyAnalyzer();
    private final Clock clock;

    public DummyData(Clock clock) {
        this.clock = clock;
    }

    public Plan plan(Document doc, long population, long seed) {
        if (population < 1 || population > MAX_POPULATION) {
            throw new IllegalArgumentException("population must be between 1 and " + MAX_POPULATION + ": " + population);
        }
        Analysis a = analyzer.analyse(doc);
        List<String> problems = new ArrayList<>();
        for (Diagnostic d : a.diagnostics()) {
            if (d.severity() == Severity.ERROR) {
                problems.add(doc.path().getFileName() + ":" + (d.range().start().line() + 1) + ": " + d.message());
            }
        }
        StudyModel m = a.model();
        if (m.study == null) problems.add("There is no StudyDefinition(...) in this file.");
        else if (m.open) problems.add("Some variables of this study cannot be worked out without running it, so its columns are not known.");
        if (!problems.isEmpty()) return new Plan(null, problems);
        StudyTableSpec.Result r = new StudyTableSpec(m, population, seed, LocalDate.now(clock)).build();
        return new Plan(r.spec(), r.problems());
    }

    /** The table in memory, fields as cohort-extractor's CSV spells them: for small populations. */
    public Outcome generate(Document doc, int population, long seed) {
        Plan plan = plan(doc, population, seed);
        if (!plan.ok()) return new Outcome(List.of(), List.of(), plan.problems());
        List<List<String>> rows = new ArrayList<>(population);
        List<ColumnSpec> columns = plan.table().columns();
        try {
            Generator.write(plan.table(), new TableWriter() {
                @Override
                public void start(List<ColumnSpec> cols) {
                }

                @Override
                public void row(Object[] values) {
                    List<String> row = new ArrayList<>(values.length);
                    for (int i = 0; i < values.length; i++) {
                        row.add(CsvTableWriter.text(values[i], columns.get(i).dateFormat(), CsvDialect.COHORT_EXTRACTOR));
                    }
                    rows.add(row);
                }

                @Override
                public void finish() {
                }

                @Override
                public void close() {
                }
            }, () -> false, n -> { });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // nothing here does I/O
        }
        return new Outcome(columns.stream().map(ColumnSpec::name).toList(), rows, List.of());
    }
}
