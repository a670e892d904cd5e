package opensafely.lsp.codelists;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
                        "FORMAT@0:0-27", "DUPLICATE@3:0-31", "CONFLICT@4:0-31", "FORMAT@5:0-9"),
                txt.problems().stream().map(p -> p.kind() + "@" + p.line() + ":" + p.start() + "-" + p.end()).toList());
        // A '#' after the id is part of the version, as upstream reads it.
        assertEquals("2020-04-15 # not a comment here", txt.codelists().get(0).version());
    }
}
