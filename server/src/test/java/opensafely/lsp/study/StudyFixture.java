package opensafely.lsp.study;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/**
 * A study folder on disk for tests: project.yaml, analysis/*.py and codelists/*.csv. The study definition's
 * text may carry markers: {@code «} and {@code »} enclose expected ranges, {@code ‸} marks a cursor. Markers
 * are removed before the file is written.
 */
final class StudyFixture {
    static final String HEADER = "from cohortextractor import StudyDefinition, patients, codelist, codelist_from_csv, Measure\n";
    static final String DEFAULTS = "default_expectations={\"date\": {\"earliest\": \"2020-01-01\", \"latest\": \"today\"}, \"rate\": \"uniform\", \"incidence\": 0.5}";

    final Path root;
    private final Map<String, String> files = new LinkedHashMap<>();
    List<Range> ranges = List.of();
    Position cursor;
    String text;
    String name = "analysis/study_definition.py";

    StudyFixture(Path root) {
        this.root = root;
        files.put("project.yaml", "version: '3.0'\nexpectations:\n  population_size: 100\nactions:\n  generate_cohort:\n"
                + "    run: cohortextractor:latest generate_cohort --study-definition study_definition\n"
                + "    outputs:\n      highly_sensitive:\n        cohort: output/input.csv\n");
    }

    StudyFixture file(String path, String content) {
        files.put(path, content);
        return this;
    }

    /** The study definition, with markers. */
    StudyFixture study(String marked) {
        MarkedText m = MarkedText.parse(marked);
        text = m.text();
        ranges = m.ranges();
        cursor = m.cursor();
        files.put(name, text);
        return this;
    }

    Document write() {
        DiagnosticAssertions.writeFiles(root, files);
        return new Document(root.resolve(name), text, 1, StudyFolder.at(root));
    }

    List<Diagnostic> diagnostics() {
        return new StudyDefinitionService().diagnostics(write());
    }

    /** Asserts the diagnostics are exactly the marked ranges with these codes (in position order). */
    void assertDiagnostics(String... codes) {
        List<Diagnostic> actual = diagnostics();
        DiagnosticAssertions.assertDiagnostics(actual, ranges, codes);
    }

    /** A minimal valid study around some variable definitions. */
    static String studyWith(String variables) {
        return HEADER + "\nstudy = StudyDefinition(\n    " + DEFAULTS + ",\n    index_date=\"2020-01-01\",\n"
                + "    population=patients.registered_as_of(\"index_date\"),\n" + variables + ")\n";
    }
}
