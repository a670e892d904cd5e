package opensafely.lsp.ehrql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated dataset definitions (age bounds, sex, registration, death, events from a codelist in a date window,
 * case/when, numeric comparisons): every row of the dummy data satisfies every filter, the row count is exact,
 * values parse as their column's type, and the same seed gives the same bytes.
 */
class DummyDatasetPropertyTest {
    @TempDir
    Path study;

    private static final List<String> CODES = List.of("1111", "2222", "3333", "4444", "5555");

    /** One generated definition and what its rows must satisfy. */
    private record Def(String text, LocalDate index, int ageLo, int ageHi, Set<String> sexes, boolean needEvent, LocalDate from, LocalDate to,
                       double minValue, int rows) {
    }

    private Def generate(Random r) {
        LocalDate index = LocalDate.of(2015 + r.nextInt(10), 1 + r.nextInt(12), 1 + r.nextInt(28));
        int lo = r.nextInt(95), hi = lo + 1 + r.nextInt(20);
        Set<String> sexes = switch (r.nextInt(4)) {
            case 0 -> Set.of("female");
            case 1 -> Set.of("male", "intersex");
            default -> Set.of("female", "male", "intersex", "unknown");
        };
        boolean needEvent = r.nextBoolean();
        LocalDate from = index.minusDays(1 + r.nextInt(r.nextBoolean() ? 40 : 4000)), to = index;
        double minValue = r.nextInt(50);
        int rows = 1 + r.nextInt(300);
        String sexCond = sexes.size() == 4 ? "" : sexes.size() == 1 ? "\n    & (patients.sex == \"female\")" : "\n    & patients.sex.is_in([\"male\", \"intersex\"])";
        String text = """
                from ehrql import case, codelist_from_csv, create_dataset, when, days
                from ehrql.tables.core import clinical_events, patients, practice_registrations

                INDEX = "%s"
                codes = codelist_from_csv("codelists/codes.csv", column="code")
                dataset = create_dataset()
                dataset.configure_dummy_data(population_size=%d)
                age = patients.age_on(INDEX)
                events = clinical_events.where(clinical_events.snomedct_code.is_in(codes)).where(
                    clinical_events.date.is_on_or_between("%s", INDEX)
                ).where(clinical_events.numeric_value > %s)
                dataset.define_population(
                    practice_registrations.for_patient_on(INDEX).exists_for_patient()
                    & patients.is_alive_on(INDEX)
                    & (age >= %d) & (age < %d)%s%s
                )
                dataset.dob = patients.date_of_birth
                dataset.age = age
                dataset.sex = patients.sex
                dataset.death = patients.date_of_death
                dataset.reg_start = practice_registrations.for_patient_on(INDEX).start_date
                dataset.has_event = events.exists_for_patient()
                dataset.n_events = events.count_for_patient()
                first = events.sort_by(events.date).first_for_patient()
                dataset.event_date = first.date
                dataset.event_code = first.snomedct_code
                dataset.event_value = first.numeric_value
                dataset.band = case(when(age < %d).then("young"), otherwise="old")
                dataset.week_after = first.date + days(7)
                """.formatted(index, rows, from, minValue, lo, hi, sexCond, needEvent ? "\n    & events.exists_for_patient()" : "", (lo + hi) / 2);
        return new Def(text, index, lo, hi, sexes, needEvent, from, to, minValue, rows);
    }

    private DummyDatasetSpec.Result build(String text, long seed) throws Exception {
        Path def = study.resolve("analysis/dataset_definition.py");
        Files.writeString(def, text);
        return DummyDatasetSpec.build(new Document(def, text, 0, StudyFolder.at(study)), null, seed, DummyDatasetSpecTest.TODAY);
    }

    @Test
    void everyRowSatisfiesEveryFilterOfGeneratedDefinitions() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("project.yaml"), "version: '3.0'\nactions: {}\n");
        Files.writeString(study.resolve("codelists/codes.csv"), "code,term\n" + String.join(",x\n", CODES) + ",x\n");
        Random r = new Random(42);
        for (int k = 0; k < 40; k++) {
            Def d = generate(r);
            DummyDatasetSpec.Result res = build(d.text(), k);
            assertTrue(res.ok(), d.text() + "\n" + res.problem());
            String csv = DummyDatasetSpecTest.csv(res);
            assertEquals(csv, DummyDatasetSpecTest.csv(build(d.text(), k)), "same seed, same bytes");
            String[] lines = csv.split("\r\n");
            assertEquals(d.rows() + 1, lines.length, "exactly population_size rows");
            String[] header = lines[0].split(",", -1);
            assertEquals("patient_id,dob,age,sex,death,reg_start,has_event,n_events,event_date,event_code,event_value,band,week_after", lines[0]);
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(",", -1);
                Map<String, String> row = new HashMap<>();
                for (int c = 0; c < header.length; c++) row.put(header[c], f[c]);
                String where = d.text() + "\nrow " + lines[i];
                assertEquals(String.valueOf(i), row.get("patient_id"));
                LocalDate dob = LocalDate.parse(row.get("dob"));
                assertEquals(1, dob.getDayOfMonth(), where);
                long age = Long.parseLong(row.get("age"));
                assertEquals(ChronoUnit.YEARS.between(dob, d.index()), age, where);
                assertTrue(age >= d.ageLo() && age < d.ageHi(), where);
                assertTrue(d.sexes().contains(row.get("sex")), where);
                assertTrue(row.get("death").isEmpty() || LocalDate.parse(row.get("death")).isAfter(d.index()), where);
                assertFalse(row.get("reg_start").isEmpty(), where);
                assertFalse(LocalDate.parse(row.get("reg_start")).isAfter(d.index()), where);
                assertTrue(Set.of("T", "F").contains(row.get("has_event")), where);
                long n = Long.parseLong(row.get("n_events"));
                assertEquals(row.get("has_event").equals("T"), n > 0, where);
                if (d.needEvent()) assertEquals("T", row.get("has_event"), where);
                if (n > 0) {
                    LocalDate e = LocalDate.parse(row.get("event_date"));
                    assertTrue(!e.isBefore(d.from()) && !e.isAfter(d.to()), where);
                    assertTrue(CODES.contains(row.get("event_code")), where);
                    assertTrue(Double.parseDouble(row.get("event_value")) > d.minValue(), where);
                    assertEquals(e.plusDays(7), LocalDate.parse(row.get("week_after")), where);
                } else {
                    assertEquals("", row.get("event_date") + row.get("event_code") + row.get("event_value") + row.get("week_after"), where);
                }
                assertEquals(age < (d.ageLo() + d.ageHi()) / 2 ? "young" : "old", row.get("band"), where);
            }
        }
    }

    @Test
    void anUnsatisfiablePopulationIsNamedWithItsRangeInsteadOfAShortFile() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), "version: '3.0'\nactions: {}\n");
        DummyDatasetSpec.Result r = build("""
                from ehrql import create_dataset
                from ehrql.tables.core import patients, practice_registrations
                dataset = create_dataset()
                age = patients.age_on("2024-01-01")
                dataset.define_population(practice_registrations.exists_for_patient_on("2024-01-01") & (age >= 90) & (age < 18))
                dataset.age = age
                """, 1);
        assertFalse(r.ok());
        assertNotNull(r.problem());
        assertTrue(r.problem().contains("`age >= 90` (dataset_definition.py 5:89-5:98)") && r.problem().contains("`age < 18`"), r.problem());
        assertTrue(r.problem().contains("1934-01-01") && r.problem().contains("2006-01-02"), r.problem());

        DummyDatasetSpec.Result sex = build("""
                from ehrql import create_dataset
                from ehrql.tables.core import patients
                dataset = create_dataset()
                dataset.define_population(patients.exists_for_patient() & (patients.sex == "female") & (patients.sex == "male"))
                """, 1);
        assertFalse(sex.ok());
        assertTrue(sex.problem().contains("`patients.sex == \"male\"`") && sex.problem().contains("no value of sex"), sex.problem());

        DummyDatasetSpec.Result window = build("""
                from ehrql import create_dataset
                from ehrql.tables.core import clinical_events
                dataset = create_dataset()
                e = clinical_events.where(clinical_events.date.is_on_or_after("2022-01-01")).where(clinical_events.date.is_before("2020-01-01"))
                dataset.define_population(e.exists_for_patient())
                """, 1);
        assertFalse(window.ok());
        assertTrue(window.problem().contains("no date") && window.problem().contains("2022-01-01") && window.problem().contains("2019-12-31"), window.problem());
    }
}
