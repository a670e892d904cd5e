package opensafely.lsp.study;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.study.StudyAnalyzer.Analysis;
import opensafely.lsp.workspace.Document;

/**
 * Dummy data for a cohort-extractor study definition, made from its expectations as {@code generate_cohort
 * --expectations-population N} makes it (see shared/spec/dummy-data.md): same columns in the same order, same
 * distributions and incidences, same formats; not the same random draws. The study is read by the static
 * analysis, never run. What the analysis cannot resolve, or cohort-extractor would reject, is a problem and
 * no table is made. The table is a specification for the streaming engine ({@link #plan}), so memory does not
 * grow with the population.
 */
public final class DummyData {
    /**
     * The most patients asked for at once: not a memory limit (the table streams) but a bound on the file and
     * the time (a hundred million patients is some 10 GB of CSV per 10 columns and about a quarter of an hour).
     */
    public static final long MAX_POPULATION = 100_000_000L;

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
}
