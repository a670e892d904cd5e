package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.EhrqlFixture.datasetWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line being typed ends in a dot ({@code dataset.dob = patients.date_of_birth.}) while the lines below are
 * already written. The half-typed line gets one syntax error where the name is missing; each statement below keeps
 * its own diagnostics, as if the line were finished. (Error recovery used to join the next line onto the dot, so
 * an error about the joined expression spread over the next statement and the names it bound were lost.)
 */
class HalfTypedLineTest {
    @TempDir
    Path dir;

    @Test
    void attributeBeingTypedBeforeAnAssignment() {
        List<Diagnostic> ds = new EhrqlFixture(dir).definition(datasetWith("""
                dataset.dob = patients.date_of_birth.«»
                registration = practice_registrations.for_patient_on("2024-01-01")
                dataset.region = registration.«practice_nuts1_region_nam»
                dataset.sex = patients.«sexx»
                """)).assertDiagnostics("ehrql-syntax", "ehrql-unknown-column", "ehrql-unknown-column");
        assertTrue(ds.get(0).message().contains("name"), ds.get(0).message());
    }

    @Test
    void attributeBeingTypedBeforeAMethodCallStatement() {
        new EhrqlFixture(dir).definition(datasetWith("""
                dataset.dob = patients.«»
                dataset.configure_dummy_data(population_size=10)
                dataset.age = patients.age_on("2024-01-01") + «"x"»
                """)).assertDiagnostics("ehrql-syntax", "ehrql-wrong-type");
    }
}
