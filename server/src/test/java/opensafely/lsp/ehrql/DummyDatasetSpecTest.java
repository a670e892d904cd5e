package opensafely.lsp.ehrql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import opensafely.lsp.SharedData;
import opensafely.lsp.dummydata.CsvTableWriter;
import opensafely.lsp.dummydata.Generator;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

class DummyDatasetSpecTest {
    static final LocalDate TODAY = LocalDate.of(2026, 1, 15);

    static String csv(DummyDatasetSpec.Result r) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvTableWriter w = new CsvTableWriter(bytes)) {
            Generator.write(r.spec(), w, () -> false, n -> { });
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCleanStudyGetsItsPopulationWithColumnsThatAgree() throws Exception {
        Path def = SharedData.repo().resolve("examples/clean-study/analysis/dataset_definition.py");
        Document doc = new Document(def, Files.readString(def), 0, StudyFolder.enclosing(def).orElseThrow());
        DummyDatasetSpec.Result r = DummyDatasetSpec.build(doc, null, 1, TODAY);
        assertTrue(r.ok(), r.problem());
        String[] lines = csv(r).split("\r\n");
        System.out.println(String.join("\n", List.of(lines).subList(0, 12)));
        assertEquals(1001, lines.length);
        assertEquals("patient_id,age,age_band,sex,has_asthma,first_asthma_date,asthma_events_last_year", lines[0]);
    }
}
