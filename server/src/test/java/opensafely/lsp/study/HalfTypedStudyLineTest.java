package opensafely.lsp.study;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study definition with a line being typed ({@code age_var = patients.}) above lines already written: one syntax
 * error where the name is missing, and the variable bound on the next line is still followed into the study, so a
 * mistake in it is still reported. (Error recovery used to join the next line onto the dot.)
 */
class HalfTypedStudyLineTest {
    @TempDir
    Path dir;

    @Test
    void attributeBeingTypedKeepsTheNextVariable() {
        new StudyFixture(dir).study(StudyFixture.HEADER + """
                age_var = patients.«»
                bmi_var = patients.most_recent_bmi(«on_or_afer»="2020-01-01")
                study = StudyDefinition(
                    %s,
                    population=patients.all(),
                    bmi=bmi_var,
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-syntax", "study-unknown-argument");
    }
}
