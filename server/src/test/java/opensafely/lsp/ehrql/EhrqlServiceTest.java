package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.EhrqlFixture.datasetWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completion, hover, definition and symbols in dataset definitions, and which files the service takes. */
class EhrqlServiceTest {
    @TempDir
    Path dir;

    private final DatasetDefinitionService service = new DatasetDefinitionService();

    private List<String> labels(String marked) {
        EhrqlFixture f = new EhrqlFixture(dir).definition(marked);
        return service.complete(f.write(), f.cursor).stream().map(Completion::label).toList();
    }

    private List<Completion> completions(String marked) {
        EhrqlFixture f = new EhrqlFixture(dir).definition(marked);
        return service.complete(f.write(), f.cursor);
    }

    private Optional<HoverInfo> hover(String marked) {
        EhrqlFixture f = new EhrqlFixture(dir).definition(marked);
        return service.hover(f.write(), f.cursor);
    }

    @Test
    void datasetDefinitionsAreRecognisedByTheirImports() {
        assertTrue(DatasetDefinitionService.isDatasetDefinition(doc("from ehrql import create_dataset\n")));
        assertTrue(DatasetDefinitionService.isDatasetDefinition(doc("import ehrql\n")));
        assertTrue(DatasetDefinitionService.isDatasetDefinition(doc("x = 1\nfrom ehrql.tables.tpp import patients\n")));
        assertTrue(DatasetDefinitionService.isDatasetDefinition(doc("from common import *\ndataset = create_dataset()\n")));
        assertFalse(DatasetDefinitionService.isDatasetDefinition(doc("from cohortextractor import patients\n")));
        assertFalse(DatasetDefinitionService.isDatasetDefinition(doc("import pandas\n# from ehrql import x\n")));
    }

    @Test
    void diagnosticsFollowASiblingModuleChangedOnDisk() throws java.io.IOException {
        EhrqlFixture f = new EhrqlFixture(dir).file("analysis/variables.py", "from ehrql.tables.tpp import clinical_events\nwhen = clinical_events.date\n")
                .definition(datasetWith("from variables import when\ndataset.d = when\n"));
        Document d = f.write();
        assertEquals(List.of("ehrql-event-level-column"), service.diagnostics(d).stream().map(x -> x.code()).toList());
        java.nio.file.Files.writeString(dir.resolve("analysis/variables.py"), "from ehrql.tables.tpp import clinical_events\nwhen = clinical_events.date.maximum_for_patient()\n");
        assertEquals(List.of(), service.diagnostics(d).stream().map(x -> x.code()).toList(), "same document version, new module on disk");
    }

    @Test
    void theDispatcherSendsEhrqlFilesHere() {
        EhrqlFixture f = new EhrqlFixture(dir).definition(datasetWith("dataset.d = clinical_events.date\n"));
        assertEquals(List.of("ehrql-event-level-column"), new StudyLanguageService().diagnostics(f.write()).stream().map(d -> d.code()).toList());
    }

    private Document doc(String text) {
        return new Document(dir.resolve("analysis/x.py"), text, 1, StudyFolder.none());
    }

    @Test
    void tablesAfterImport() {
        List<String> got = labels("from ehrql.tables.tpp import ‸\n");
        assertTrue(got.containsAll(List.of("clinical_events", "patients", "apcs", "addresses", "wl_clockstops")), got.toString());
        assertTrue(labels("from ehrql.tables.core import pat‸\n").contains("patients"));
        assertTrue(labels("from ehrql import ‸\n").containsAll(List.of("create_dataset", "codelist_from_csv", "case", "when", "INTERVAL")));
        assertTrue(labels("from ehrql.codes import ‸\n").containsAll(List.of("SNOMEDCTCode", "CTV3Code", "ICD10Code")));
        assertTrue(labels("from ehrql.tables.‸\n").containsAll(List.of("tpp", "core", "emis")));
    }

    @Test
    void tablesInAParenthesisedImportAndCodelistPaths() {
        List<String> got = labels("from ehrql.tables.tpp import (\n    patients,\n    clin‸\n)\n");
        assertTrue(got.contains("clinical_events"), got.toString());
        assertTrue(labels(datasetWith("c = codelist_from_csv(\"‸")).contains("codelists/"));
        List<String> csvs = labels(datasetWith("c = codelist_from_csv(\"codelists/‸"));
        assertTrue(csvs.containsAll(List.of("asthma-snomed.csv", "asthma-ctv3.csv")), csvs.toString());
    }

    @Test
    void columnsAndMethodsOfATableWithTypes() {
        List<Completion> got = completions(datasetWith("dataset.x = clinical_events.‸\n"));
        Completion date = got.stream().filter(c -> c.label().equals("date")).findFirst().orElseThrow();
        assertEquals("DateEventSeries", date.detail());
        assertTrue(got.stream().anyMatch(c -> c.label().equals("snomedct_code") && c.detail().contains("Code")));
        assertTrue(got.stream().anyMatch(c -> c.label().equals("where")));
        assertTrue(got.stream().anyMatch(c -> c.label().equals("sort_by")));
        assertFalse(got.stream().anyMatch(c -> c.label().equals("first_for_patient")), "not sorted yet");
        List<String> patients = labels(datasetWith("dataset.x = patients.‸\n"));
        assertTrue(patients.containsAll(List.of("date_of_birth", "sex", "age_on", "is_alive_on", "exists_for_patient")), patients.toString());
        assertFalse(patients.contains("where"), "patients has one row per patient");
    }

    @Test
    void methodsOfASeriesFollowItsTypeAndLevel() {
        List<Completion> dates = completions(datasetWith("dataset.x = clinical_events.date.‸\n"));
        assertTrue(dates.stream().anyMatch(c -> c.label().equals("is_on_or_after")));
        assertTrue(dates.stream().anyMatch(c -> c.label().equals("maximum_for_patient") && c.detail().contains("DatePatientSeries")), dates.toString());
        assertTrue(dates.stream().anyMatch(c -> c.label().equals("year") && c.detail().contains("IntEventSeries")));
        List<String> sex = labels(datasetWith("dataset.x = patients.sex.‸\n"));
        assertTrue(sex.containsAll(List.of("is_in", "contains", "is_null")));
        assertFalse(sex.contains("maximum_for_patient"), "a patient series is not aggregated");
        List<String> chained = labels(datasetWith("e = clinical_events.where(clinical_events.numeric_value > 1).sort_by(clinical_events.date)\ndataset.x = e.first_for_patient().‸\n"));
        assertTrue(chained.contains("numeric_value"), chained.toString());
        List<String> sorted = labels(datasetWith("dataset.x = clinical_events.sort_by(clinical_events.date).‸\n"));
        assertTrue(sorted.contains("first_for_patient"), sorted.toString());
    }

    @Test
    void completionWhileTheLineIsUnfinished() {
        List<String> got = labels(datasetWith("dataset.x = clinical_events.where(clinical_events.‸\n"));
        assertTrue(got.contains("snomedct_code"), got.toString());
        List<String> ds = labels(datasetWith("dataset.age = patients.age_on(\"2024-01-01\")\ndataset.‸\n"));
        assertTrue(ds.containsAll(List.of("define_population", "configure_dummy_data", "add_column", "age")), ds.toString());
    }

    @Test
    void keywordArgumentsOfEhrqlCalls() {
        assertTrue(labels(datasetWith("dataset.configure_dummy_data(‸)\n")).containsAll(List.of("population_size=", "legacy=", "timeout=")));
        assertTrue(labels(datasetWith("codes = codelist_from_csv(\"codelists/asthma-snomed.csv\", ‸)\n")).contains("column="));
        List<String> m = labels(EhrqlFixture.HEADER + "measures = create_measures()\nmeasures.define_measure(name=\"x\", num‸)\n");
        assertTrue(m.containsAll(List.of("numerator=", "denominator=", "intervals=", "group_by=")), m.toString());
    }

    @Test
    void namesInScopeIncludeTablesAndCodelists() {
        List<Completion> got = completions(datasetWith("codes = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=\"code\")\ndataset.x = ‸\n"));
        assertTrue(got.stream().anyMatch(c -> c.label().equals("codes") && c.detail().contains("codelists/asthma-snomed.csv")), got.toString());
        assertTrue(got.stream().anyMatch(c -> c.label().equals("clinical_events")));
    }

    @Test
    void hoverOnAColumnGivesItsTypeAndTable() {
        HoverInfo h = hover(datasetWith("dataset.x = clinical_events.da‸te.maximum_for_patient()\n")).orElseThrow();
        assertTrue(h.markdown().contains("DateEventSeries"), h.markdown());
        assertTrue(h.markdown().contains("clinical_events"), h.markdown());
        HoverInfo sex = hover(datasetWith("dataset.x = patients.s‸ex\n")).orElseThrow();
        assertTrue(sex.markdown().contains("StrPatientSeries") && sex.markdown().contains("`female`"), sex.markdown());
    }

    @Test
    void hoverOnAMethodGivesSignatureAndResult() {
        HoverInfo h = hover(datasetWith("dataset.x = clinical_events.date.maximum_for_pa‸tient()\n")).orElseThrow();
        assertTrue(h.markdown().contains("maximum_for_patient()") && h.markdown().contains("DatePatientSeries"), h.markdown());
        HoverInfo age = hover(datasetWith("dataset.x = patients.age_‸on(\"2024-01-01\")\n")).orElseThrow();
        assertTrue(age.markdown().contains("age_on(date)") && age.markdown().contains("IntPatientSeries"), age.markdown());
        HoverInfo between = hover(datasetWith("dataset.x = patients.date_of_birth.is_on_or_betw‸een(\"2000-01-01\", \"2001-01-01\")\n")).orElseThrow();
        assertTrue(between.markdown().contains("BoolPatientSeries"), between.markdown());
    }

    @Test
    void hoverOnNamesAndImports() {
        HoverInfo t = hover("from ehrql.tables.tpp import clinical_ev‸ents\n").orElseThrow();
        assertTrue(t.markdown().contains("event frame") && t.markdown().contains("snomedct_code"), t.markdown());
        HoverInfo v = hover(datasetWith("first = clinical_events.sort_by(clinical_events.date).first_for_patient()\ndataset.x = fi‸rst.date\n")).orElseThrow();
        assertTrue(v.markdown().contains("patient frame"), v.markdown());
        HoverInfo s = hover(datasetWith("adult = patients.age_on(\"2024-01-01\") >= 18\ndataset.x = adu‸lt\n")).orElseThrow();
        assertTrue(s.markdown().contains("BoolPatientSeries"), s.markdown());
    }

    @Test
    void hoverOnDatasetColumnsAndCodelists() {
        HoverInfo col = hover(datasetWith("dataset.ag‸e = patients.age_on(\"2024-01-01\")\n")).orElseThrow();
        assertTrue(col.markdown().contains("IntPatientSeries"), col.markdown());
        HoverInfo cl = hover(datasetWith("codes = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=\"code\")\n"
                + "dataset.a = clinical_events.where(clinical_events.snomedct_code.is_in(co‸des)).exists_for_patient()\n")).orElseThrow();
        assertTrue(cl.markdown().contains("2 codes") && cl.markdown().contains("codelists/asthma-snomed.csv"), cl.markdown());
    }

    @Test
    void definitionOfLocalNamesCodelistFilesAndColumns() {
        EhrqlFixture f = new EhrqlFixture(dir).file("analysis/codelists.py", "from ehrql import codelist_from_csv\n\nasthma = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=\"code\")\n")
                .definition(datasetWith("from codelists import asthma\nfrom ehrql import codelist_from_csv\n"
                        + "c = codelist_from_csv(\"codelists/asthma-sn‸omed.csv\", column=\"code\")\n"));
        Document d = f.write();
        List<Location> csv = service.definition(d, f.cursor);
        assertEquals(dir.resolve("codelists/asthma-snomed.csv"), csv.get(0).path());
        EhrqlFixture g = new EhrqlFixture(dir).file("analysis/codelists.py", "from ehrql import codelist_from_csv\n\nasthma = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=\"code\")\n")
                .definition(datasetWith("from codelists import asthma\ndataset.a = clinical_events.where(clinical_events.snomedct_code.is_in(ast‸hma)).exists_for_patient()\n"));
        List<Location> def = service.definition(g.write(), g.cursor);
        assertEquals(dir.resolve("analysis/codelists.py"), def.get(0).path());
        assertEquals(2, def.get(0).range().start().line());
        EhrqlFixture h = new EhrqlFixture(dir).definition(datasetWith("dataset.age = patients.age_on(\"2024-01-01\")\ndataset.adult = dataset.a‸ge >= 18\n"));
        List<Location> col = service.definition(h.write(), h.cursor);
        assertEquals(5, col.get(0).range().start().line());
    }

    @Test
    void symbolsAreTheDatasetColumnsAndMeasures() {
        EhrqlFixture f = new EhrqlFixture(dir).definition(datasetWith("dataset.age = patients.age_on(\"2024-01-01\")\ndataset.add_column(\"sex\", patients.sex)\n"));
        List<Symbol> s = service.symbols(f.write());
        assertEquals(List.of("population", "age", "sex"), s.stream().map(Symbol::name).toList());
        assertEquals("IntPatientSeries", s.get(1).detail());
        EhrqlFixture m = new EhrqlFixture(dir).named("analysis/measures.py").definition(EhrqlFixture.HEADER
                + "measures = create_measures()\nmeasures.define_measure(name=\"m\", numerator=patients.exists_for_patient(), denominator=patients.exists_for_patient(), intervals=months(1).starting_on(\"2024-01-01\"))\n");
        assertEquals(List.of("m"), service.symbols(m.write()).stream().map(Symbol::name).toList());
    }
}
