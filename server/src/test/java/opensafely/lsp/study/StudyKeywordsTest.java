package opensafely.lsp.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: misspelt keywords that cohort-extractor rejects with TypeError when it loads the study: of the codelist
 * helpers and Measure (which take fixed arguments), population= of StudyDefinition (which takes any other keyword as a
 * variable), and an extra keyword of categorised_as & co that is no variable.
 */
class StudyKeywordsTest {
    @TempDir
    Path dir;

    private static final String CSV = "code,term,category\nXa1,Asthma,1\n";

    private StudyFixture fx(String marked) {
        return new StudyFixture(dir).file("codelists/asthma.csv", CSV).study(marked);
    }

    @Test
    void aMisspeltKeywordOfACodelistHelperIsATypeError() {
        fx(StudyFixture.HEADER + "codes = codelist_from_csv(\"codelists/asthma.csv\", «sysetm»=\"ctv3\", column=\"code\")\n"
                + StudyFixture.studyWith("").substring(StudyFixture.HEADER.length())).assertDiagnostics("study-unknown-argument");
        fx(StudyFixture.HEADER + "codes = codelist([\"Xa1\"], system=\"ctv3\", «check_category»=False)\n"
                + StudyFixture.studyWith("").substring(StudyFixture.HEADER.length())).assertDiagnostics("study-unknown-argument");
    }

    @Test
    void aMisspeltMeasureKeywordIsATypeErrorOrAWarningWhereItMayNotRun() {
        String study = StudyFixture.studyWith("    flag=patients.with_these_clinical_events(codelist([\"Xa1\"], system=\"ctv3\"), returning=\"binary_flag\"),\n");
        fx(study + "measures = [Measure(id=\"m\", «numeartor»=\"flag\", denominator=\"population\", group_by=\"population\")]\n")
                .assertDiagnostics("study-unknown-argument");
        List<Diagnostic> ds = fx(study + "measures = []\nfor g in [\"flag\"]:\n"
                + "    measures.append(Measure(id=g, numerator=g, denominator=\"population\", «gropu_by»=\"population\"))\n").diagnostics();
        Diagnostic d = ds.stream().filter(x -> x.code().equals("study-unknown-argument")).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, d.severity());
        // Right keywords, and keywords given through **: nothing to say.
        fx(study + "measures = [Measure(id=\"m\", numerator=\"flag\", denominator=\"population\", group_by=[\"population\"], small_number_suppression=True)]\n"
                + "extra = {\"group_by\": \"population\"}\nmore = [Measure(id=\"n\", numerator=\"flag\", denominator=\"population\", **extra)]\n")
                .assertDiagnostics();
    }

    @Test
    void aMisspeltPopulationIsReportedOnTheKeyword() {
        fx(StudyFixture.HEADER + "study = StudyDefinition(\n    " + StudyFixture.DEFAULTS + ",\n    index_date=\"2020-01-01\",\n"
                + "    «popultaion»=patients.registered_as_of(\"index_date\"),\n)\n").assertDiagnostics("study-missing-population");
    }

    @Test
    void anExtraKeywordOfCategorisedAsMustBeAVariable() {
        fx(StudyFixture.studyWith("    c=patients.categorised_as({\"a\": \"s = 'M'\", \"b\": \"DEFAULT\"},\n"
                + "        s=patients.sex(return_expectations={\"category\": {\"ratios\": {\"M\": 0.5, \"F\": 0.5}}}),\n"
                + "        «return_exepctations»={\"category\": {\"ratios\": {\"a\": 0.5, \"b\": 0.5}}}),\n"))
                .assertDiagnostics("study-unknown-argument");
    }
}
