package opensafely.lsp.codelists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import opensafely.lsp.SharedData;
import org.junit.jupiter.api.Test;

/**
 * The manifest and its SHA-1s against what OpenSAFELY wrote in real studies: the corpus holds codelists.json
 * files made by `opensafely codelists update` and some of the CSVs they describe.
 */
class ManifestTest {
    private static List<Path> corpusManifests() throws IOException {
        try (Stream<Path> s = Files.list(SharedData.dir().resolve("corpus"))) {
            return s.map(p -> p.resolve("codelists/codelists.json")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void theDigestOfEveryCorpusCsvIsTheOneItsManifestRecords() throws Exception {
        int compared = 0;
        for (Path json : corpusManifests()) {
            Manifest m = Manifest.parse(Files.readString(json, StandardCharsets.UTF_8));
            for (var e : m.files().entrySet()) {
                Path csv = json.getParent().resolve(e.getKey());
                if (!Files.isRegularFile(csv)) continue;
                assertEquals(e.getValue().sha(), CsvDigest.sha1(Files.readAllBytes(csv)), csv.toString());
                compared++;
            }
        }
        assertTrue(compared >= 20, "compared " + compared + " CSVs");
    }

    @Test
    void writtenAsOpenSafelyWritesIt() throws Exception {
        int same = 0;
        for (Path json : corpusManifests()) {
            String text = Files.readString(json, StandardCharsets.UTF_8);
            if (text.endsWith("\n") || !text.startsWith("{\n  \"files\"")) continue; // hand-edited or reformatted upstream
            assertEquals(text, Manifest.parse(text).toJson(), json.toString());
            same++;
        }
        assertTrue(same >= 10, "re-serialised " + same + " manifests");
        assertEquals("{\n  \"files\": {}\n}", new Manifest(java.util.Map.of()).toJson());
    }

    @Test
    void lineEndingsDoNotChangeTheDigest() {
        String unix = CsvDigest.sha1("code,term\nA,a\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(unix, CsvDigest.sha1("code,term\r\nA,a\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(unix, CsvDigest.sha1("code,term\nA,a".getBytes(StandardCharsets.UTF_8)));
        assertTrue(!unix.equals(CsvDigest.sha1("code,term\nA,b\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void invalidManifests() {
        assertThrows(Manifest.Invalid.class, () -> Manifest.parse("{"));
        assertThrows(Manifest.Invalid.class, () -> Manifest.parse("[]"));
        assertThrows(Manifest.Invalid.class, () -> Manifest.parse("{\"files\": {\"a.csv\": 3}}"));
    }
}
