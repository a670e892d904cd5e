package opensafely.lsp.ehrql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.nio.file.Path;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every prefix of a definition, as while typing it, is analysed (and completed, hovered) without throwing. */
class EhrqlRobustnessTest {
    @TempDir
    Path dir;

    @Test
    void everyPrefixOfADefinitionIsAnalysedWithoutThrowing() {
        EhrqlFixture f = new EhrqlFixture(dir).file("analysis/codelists.py", EhrqlCleanDefinitionsTest.CODELISTS_MODULE)
                .file("analysis/variables.py", EhrqlCleanDefinitionsTest.VARIABLES_MODULE);
        f.definition(EhrqlCleanDefinitionsTest.DATASET).write();
        String text = EhrqlCleanDefinitionsTest.DATASET + EhrqlCleanDefinitionsTest.MEASURES;
        DatasetDefinitionService service = new DatasetDefinitionService();
        Path path = dir.resolve("analysis/dataset_definition.py");
        for (int i = 0; i <= text.length(); i += (i < 400 ? 1 : 3)) {
            String prefix = text.substring(0, i);
            Document doc = new Document(path, prefix, i, StudyFolder.at(dir));
            Position end = new LineIndex(prefix).position(prefix.length());
            assertDoesNotThrow(() -> {
                service.diagnostics(doc);
                service.complete(doc, end);
                service.hover(doc, end);
                service.definition(doc, end);
                service.symbols(doc);
            }, () -> "prefix of length " + prefix.length() + ": ..." + prefix.substring(Math.max(0, prefix.length() - 60)));
        }
    }

    @Test
    void oddInputsDoNotThrow() {
        DatasetDefinitionService service = new DatasetDefinitionService();
        String[] texts = {"", "from ehrql import", "from ehrql.tables.tpp import (", "dataset.", "x = (((((", "\"\"\"", "from ehrql import *\nfrom ehrql.tables.tpp import *\ndataset = create_dataset()\n"
                + "dataset.a = clinical_events.where(clinical_events.where).sort_by().first_for_patient().date.year.year\n",
                "from ehrql import create_dataset\ndef f(x):\n    return f(x)\ndataset = create_dataset()\ndataset.a = f(1)\n",
                "from ehrql import case\ncase()\ncase(otherwise=1)\nx: int\nlambda: 0\n[x async for x in y]\n"};
        for (String t : texts) {
            Document doc = new Document(dir.resolve("analysis/d.py"), t, 1, StudyFolder.none());
            assertDoesNotThrow(() -> {
                service.diagnostics(doc);
                service.complete(doc, new LineIndex(t).position(t.length()));
                service.symbols(doc);
            }, t);
        }
    }
}
