package opensafely.lsp.study;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study definition as it looks while being typed: every prefix of a realistic file, and the file with each
 * line cut short. The study service itself (not the guarded dispatcher) must answer every feature without an
 * exception, and completion after {@code patients.} must still work in a broken file.
 */
class StudyRobustnessTest {
    private static final String STUDY = """
            from cohortextractor import StudyDefinition, patients, codelist_from_csv, codelist, Measure, filter_codes_by_category
            from codelists import *
            from common_variables import common_variables

            def flags(names):
                return {f"has_{n}": patients.with_these_clinical_events(codelist([n], system="ctv3"), returning="binary_flag") for n in names}

            study = StudyDefinition(
                default_expectations={"date": {"earliest": "1900-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                index_date="2021-03-01",
                population=patients.satisfying(
                    \"\"\"registered AND (age >= 18) AND NOT died\"\"\",
                    registered=patients.registered_as_of("index_date"),
                    died=patients.died_from_any_cause(on_or_before="index_date", returning="binary_flag"),
                ),
                **common_variables,
                **flags(["a", "b"]),
                asthma_date=patients.with_these_clinical_events(
                    asthma_codes, between=["index_date - 1 year", "index_date"], returning="date", date_format="YYYY-MM-DD",
                    find_first_match_in_period=True, return_expectations={"date": {"earliest": "2020-03-01"}},
                ),
                severity=patients.categorised_as(
                    {"0": "DEFAULT", "1": "asthma_date AND age > 50"},
                    return_expectations={"category": {"ratios": {"0": 0.7, "1": 0.3}}},
                ),
            )

            measures = [Measure(id="asthma_by_severity", numerator="has_a", denominator="population", group_by=["severity"])]
            """;

    @TempDir
    Path dir;

    private final StudyDefinitionService service = new StudyDefinitionService();

    private StudyFolder folder() {
        return new StudyFixture(dir)
                .file("analysis/codelists.py", "from cohortextractor import codelist_from_csv\nasthma_codes = codelist_from_csv(\"codelists/a.csv\", system=\"ctv3\", column=\"code\")\n")
                .file("analysis/common_variables.py", "from cohortextractor import patients\ncommon_variables = dict(age=patients.age_as_of(\"index_date\"))\n")
                .file("codelists/a.csv", "code,term\nX,x\n")
                .study("")
                .write()
                .folder();
    }

    private void everything(Document d, Position p) {
        service.diagnostics(d);
        service.complete(d, p);
        service.hover(d, p);
        service.definition(d, p);
        service.symbols(d);
        service.fixes(d, new opensafely.lsp.text.Range(p, p));
    }

    @Test
    void everyPrefixAsWhileTyping() {
        StudyFolder f = folder();
        Path file = dir.resolve("analysis/study_definition.py");
        for (int end = 0; end <= STUDY.length(); end += 5) {
            String typed = STUDY.substring(0, end);
            Document d = new Document(file, typed, end, f);
            everything(d, new LineIndex(typed).position(end));
        }
    }

    @Test
    void eachLineCutShortAndEveryPositionOfTheWholeFile() {
        StudyFolder f = folder();
        Path file = dir.resolve("analysis/study_definition.py");
        String[] lines = STUDY.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String[] cut = lines.clone();
            cut[i] = cut[i].substring(0, cut[i].length() / 2);
            String text = String.join("\n", cut);
            everything(new Document(file, text, i, f), new Position(i, cut[i].length()));
        }
        Document whole = new Document(file, STUDY, 1000, f);
        LineIndex index = new LineIndex(STUDY);
        for (int l = 0; l < index.lineCount(); l++) {
            for (int c = 0; c <= index.lineText(l).length(); c += 3) everything(whole, new Position(l, c));
        }
    }

    @Test
    void completionAfterPatientsDotWorksInABrokenFile() {
        StudyFolder f = folder();
        String broken = STUDY.replace("    severity=patients.categorised_as(", "    new_var=patients.\n    severity=patients.categorised_as(")
                .replace("\"1\": 0.3}}},", "\"1\": 0.3}},");  // an unclosed brace as well
        int at = broken.indexOf("patients.\n") + "patients.".length();
        Document d = new Document(dir.resolve("analysis/study_definition.py"), broken, 1, f);
        assertFalse(service.diagnostics(d).isEmpty(), "the broken file has findings");
        List<String> labels = service.complete(d, new LineIndex(broken).position(at)).stream().map(Completion::label).toList();
        assertTrue(labels.contains("with_these_clinical_events"), labels.toString());
    }
}
