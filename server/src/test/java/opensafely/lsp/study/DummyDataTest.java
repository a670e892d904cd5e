package opensafely.lsp.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.CsvDialect;
import opensafely.lsp.dummydata.CsvTableWriter;
import opensafely.lsp.dummydata.Generator;
import opensafely.lsp.dummydata.TableWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dummy data from expectations, checked against what dummy-data.md says cohort-extractor makes. */
class DummyDataTest {
    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private static final String STUDY = StudyFixture.HEADER + """
            study = StudyDefinition(
                default_expectations={"date": {"earliest": "2019-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.2},
                index_date="2021-01-01",
                population=patients.registered_as_of("index_date"),
                died=patients.died_from_any_cause(on_or_before="index_date", returning="binary_flag", return_expectations={"incidence": 0.1}),
                asthma_date=patients.with_these_clinical_events(
                    codelist(["X"], system="ctv3"), between=["2020-01-01", "2020-06-30"], returning="date", date_format="YYYY-MM",
                    return_expectations={"incidence": 0.8}),
                first_year=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="date", date_format="YYYY"),
                latest_month=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="date", date_format="YYYY-MM",
                    find_last_match_in_period=True),
                age=patients.age_as_of("index_date", return_expectations={"rate": "universal", "int": {"distribution": "population_ages"}}),
                bmi=patients.most_recent_bmi(on_or_before="index_date", return_expectations={"float": {"distribution": "normal", "mean": 28, "stddev": 4}, "incidence": 0.6}),
                sex=patients.sex(return_expectations={"rate": "universal", "category": {"ratios": {"M": 0.49, "F": 0.51}}}),
                cohort=patients.fixed_value("A"),
                earliest=patients.minimum_of("asthma_date", "latest_month"),
            )
            """;

    /** The generated table (header and rows of CSV fields, as cohort-extractor writes them), or the reasons there is none. */
    private record Outcome(List<String> columns, List<List<String>> rows, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The plan streamed through the engine, each value spelt as the CSV writer spells it, kept in memory. */
    private Outcome generate(String study, int n, long seed) {
        StudyFixture f = new StudyFixture(dir).study(study);
        DummyData.Plan plan = new DummyData(CLOCK).plan(f.write(), n, seed);
        if (!plan.ok()) return new Outcome(List.of(), List.of(), plan.problems());
        List<ColumnSpec> columns = plan.table().columns();
        List<List<String>> rows = new ArrayList<>(n);
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
            }, () -> false, done -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing here does I/O
        }
        return new Outcome(columns.stream().map(ColumnSpec::name).toList(), rows, List.of());
    }

    private static List<String> column(Outcome o, String name) {
        int i = o.columns().indexOf(name);
        return o.rows().stream().map(r -> r.get(i)).toList();
    }

    @Test
    void columnsInCohortExtractorsOrder() {
        Outcome o = generate(STUDY, 50, 1);
        assertEquals(List.of(), o.problems());
        // Date columns, then the other generated ones, then fixed values, then aggregates, then patient_id.
        assertEquals(List.of("asthma_date", "first_year", "latest_month", "died", "age", "bmi", "sex", "cohort", "earliest", "patient_id"), o.columns());
        assertEquals(50, o.rows().size());
    }

    @Test
    void incidenceGivesExactCountsAndEmptyNumbersAreZero() {
        Outcome o = generate(STUDY, 1000, 2);
        List<String> died = column(o, "died");
        assertEquals(Set.of("0", "1"), Set.copyOf(died));
        assertEquals(100, died.stream().filter("1"::equals).count(), "incidence 0.1 of 1000");
        List<String> bmi = column(o, "bmi");
        assertEquals(400, bmi.stream().filter("0.0"::equals).count(), "floor((1 - 0.6) * 1000) empty rows, written 0.0");
        double mean = bmi.stream().filter(b -> !b.equals("0.0")).mapToDouble(Double::parseDouble).average().orElseThrow();
        assertTrue(Math.abs(mean - 28) < 1, "mean " + mean);
        assertEquals(Set.of("M", "F"), Set.copyOf(column(o, "sex")), "universal: no empties");
        assertEquals(Set.of("A"), Set.copyOf(column(o, "cohort")));
    }

    @Test
    void datesFollowTheirFormatAndStaticWindow() {
        Outcome o = generate(STUDY, 1000, 3);
        List<String> asthma = column(o, "asthma_date").stream().filter(s -> !s.isEmpty()).toList();
        assertTrue(asthma.stream().allMatch(s -> s.matches("2020-0[1-6]")), asthma.toString());
        assertTrue(asthma.size() < 800, "the window removes some of the 80 %: " + asthma.size());
        List<String> years = column(o, "first_year").stream().filter(s -> !s.isEmpty()).toList();
        assertEquals(200, years.size());
        assertTrue(years.stream().allMatch(s -> s.matches("20(19|2[0-6])")), "YYYY between 2019 and today: " + years);
        List<Integer> ages = column(o, "age").stream().map(Integer::parseInt).toList();
        assertTrue(ages.stream().allMatch(a -> a >= 0 && a <= 109) && ages.stream().anyMatch(a -> a > 80));
    }

    @Test
    void patientIdsAreDistinctAndTheSeedRepeatsTheData() {
        Outcome a = generate(STUDY, 300, 42);
        List<String> ids = column(a, "patient_id");
        assertEquals(300, Set.copyOf(ids).size());
        assertTrue(ids.stream().mapToInt(Integer::parseInt).allMatch(i -> i >= 0 && i < 3000));
        assertEquals(a.rows(), generate(STUDY, 300, 42).rows());
        assertFalse(a.rows().equals(generate(STUDY, 300, 43).rows()));
    }

    @Test
    void problemsInsteadOfATable() {
        Outcome noExpectations = generate(StudyFixture.HEADER + """
                study = StudyDefinition(
                    population=patients.registered_as_of("2020-01-01"),
                    age=patients.age_as_of("2020-01-01"),
                )
                """, 10, 1);
        assertFalse(noExpectations.ok());
        assertTrue(noExpectations.problems().stream().anyMatch(p -> p.contains("age")), noExpectations.problems().toString());

        Outcome broken = generate(StudyFixture.HEADER + "study = StudyDefinition(population=patients.all()\n", 10, 1);
        assertFalse(broken.ok());

        Outcome category = generate(StudyFixture.HEADER + """
                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.registered_as_of("2020-01-01"),
                    region=patients.registered_practice_as_of("2020-01-01", returning="nuts1_region_name"),
                )
                """, 10, 1);
        assertEquals(List.of("'region' is a category and needs {\"category\": {\"ratios\": {...}}} in its return_expectations."),
                category.problems().stream().collect(Collectors.toList()));
    }

    @Test
    void aValueAndItsDateColumnAreEmptyInTheSameRows() {
        Outcome o = generate(StudyFixture.HEADER + """
                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": "2020-12-31"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.registered_as_of("2020-01-01"),
                    bmi=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), between=["2020-01-01", "2020-12-31"],
                        returning="numeric_value", include_date_of_match=True,
                        return_expectations={"float": {"distribution": "normal", "mean": 28, "stddev": 4}, "incidence": 0.7}),
                )
                """, 2000, 5);
        assertEquals(List.of(), o.problems());
        assertEquals(List.of("bmi_date", "bmi", "patient_id"), o.columns());
        List<String> dates = column(o, "bmi_date");
        List<String> values = column(o, "bmi");
        int empty = 0;
        for (int i = 0; i < dates.size(); i++) {
            assertEquals(dates.get(i).isEmpty(), values.get(i).equals("0.0"), "row " + i + ": " + dates.get(i) + " / " + values.get(i));
            if (dates.get(i).isEmpty()) empty++;
        }
        // 600 empty by incidence, and the window (2020 only, of 2019-2020) empties about half of the rest, as upstream.
        assertTrue(empty > 600 + 500 && empty < 600 + 900, "empties " + empty);
    }
}
