package opensafely.lsp.codelists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** codelists.txt read line by line as the OpenSAFELY CLI reads it. */
class CodelistsTxtTest {
    @Test
    void linesCommentsAndTheNamesDerivedFromThem() {
        CodelistsTxt txt = CodelistsTxt.parse("""
                # Asthma
                opensafely/asthma-diagnosis/2020-04-15
                  user/jdoe/my-list/abc12345//\r
                primis-covid19-vacc-uptake/bmi_stage/v1.2

                """);
        assertEquals(List.of(), txt.problems());
        List<CodelistLine> c = txt.codelists();
        assertEquals(List.of("opensafely/asthma-diagnosis/2020-04-15", "user/jdoe/my-list/abc12345",
                "primis-covid19-vacc-uptake/bmi_stage/v1.2"), c.stream().map(CodelistLine::id).toList());
        assertEquals(List.of("opensafely-asthma-diagnosis.csv", "user-jdoe-my-list.csv", "primis-covid19-vacc-uptake-bmi_stage.csv"),
                c.stream().map(CodelistLine::fileName).toList());
        assertEquals("user/jdoe/my-list", c.get(1).key());
        assertEquals("abc12345", c.get(1).version());
        assertEquals(List.of(2, 2, 28), List.of(c.get(1).line(), c.get(1).start(), c.get(1).end()));
        assertEquals("https://www.opencodelists.org/codelist/opensafely/asthma-diagnosis/2020-04-15/download.csv",
                c.get(0).downloadUrl(OpenCodelists.DEFAULT_BASE_URL));
    }

    @Test
    void malformedDuplicateAndConflictingLines() {
        CodelistsTxt txt = CodelistsTxt.parse("""
                opensafely/asthma-diagnosis
                opensafely/asthma-diagnosis/2020-04-15 # not a comment here
                opensafely/ethnicity/2020-04-27
                opensafely/ethnicity/2020-04-27
                opensafely/ethnicity/2022-01-01
                a/b/c/d/e
                """);
        assertEquals(List.of(
                        "FORMAT@0:0-27", "FORMAT@1:0-59", "DUPLICATE@3:0-31", "CONFLICT@4:0-31", "FORMAT@5:0-9"),
                txt.problems().stream().map(p -> p.kind() + "@" + p.line() + ":" + p.start() + "-" + p.end()).toList());
        // A '#' after the id would be part of the version, as upstream reads it: a version with spaces, which no
        // download can find, so the line is refused with the hint that comments take a line of their own.
        assertTrue(txt.problems().get(1).message().contains("a comment needs a line of its own"), txt.problems().get(1).message());
    }
}
