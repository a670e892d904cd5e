package opensafely.lsp.ehrql;

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
 * A study folder on disk for ehrQL tests: a project.yaml that runs analysis/dataset_definition.py with
 * generate-dataset and analysis/measures.py with generate-measures, codelists and helper modules. The
 * definition's text may carry markers: {@code «} and {@code »} enclose expected ranges, {@code ‸} marks a
 * cursor ({@link MarkedText}). Markers are removed before the file is written.
 */
final class EhrqlFixture {
    static final String HEADER = "from ehrql import INTERVAL, case, codelist_from_csv, create_dataset, create_measures, days, months, when, years\n"
            + "from ehrql.tables.tpp import apcs, clinical_events, medications, patients, practice_registrations\n";
    static final String SNOMED_CSV = "code,term,category\n195967001,Asthma,mild\n401000119107,Severe asthma,severe\n";
    static final String CTV3_CSV = "code,term\nH33..,Asthma\nXaIIW,Severe asthma\n";

    final Path root;
    private final Map<String, String> files = new LinkedHashMap<>();
    List<Range> ranges = List.of();
    Position cursor;
    String text;
    String name = "analysis/dataset_definition.py";

    EhrqlFixture(Path root) {
        this.root = root;
        files.put("project.yaml", "version: '4.0'\nactions:\n  generate_dataset:\n"
                + "    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz\n"
                + "    outputs:\n      highly_sensitive:\n        dataset: output/dataset.csv.gz\n"
                + "  generate_measures:\n    run: ehrql:v1 generate-measures analysis/measures.py --output output/measures.csv\n"
                + "    outputs:\n      moderately_sensitive:\n        measures: output/measures.csv\n");
        files.put("codelists/asthma-snomed.csv", SNOMED_CSV);
        files.put("codelists/asthma-ctv3.csv", CTV3_CSV);
    }

    EhrqlFixture file(String path, String content) {
        files.put(path, content);
        return this;
    }

    EhrqlFixture named(String path) {
        this.name = path;
        return this;
    }

    /** The definition, with markers. */
    EhrqlFixture definition(String marked) {
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
        return new DatasetDefinitionService().diagnostics(write());
    }

    /** Asserts the diagnostics are exactly the marked ranges with these codes. */
    List<Diagnostic> assertDiagnostics(String... codes) {
        List<Diagnostic> actual = diagnostics();
        DiagnosticAssertions.assertDiagnostics(actual, ranges, codes);
        return actual;
    }

    /** A dataset definition with a population, then the given lines. */
    static String datasetWith(String body) {
        return HEADER + "\ndataset = create_dataset()\ndataset.define_population(practice_registrations.for_patient_on(\"2024-01-01\").exists_for_patient())\n" + body;
    }
}
