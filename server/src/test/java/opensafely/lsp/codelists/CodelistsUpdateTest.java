package opensafely.lsp.codelists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `codelists update` and the local `codelists check` on a study folder, against OpenCodelists on loopback. */
class CodelistsUpdateTest {
    @TempDir
    Path study;
    Path codelists;
    FakeOpenCodelists server;
    final List<String> progress = new ArrayList<>();

    private static final String ASTHMA = "opensafely/asthma-diagnosis/2020-04-15";
    private static final String ETHNICITY = "opensafely/ethnicity/2020-04-27";

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeOpenCodelists();
        server.csvs.put(ASTHMA, "code,term\r\nXa1,Asthma\r\n");
        server.csvs.put(ETHNICITY, "Code,Description,Grouping_6\n1,White,1\n");
        codelists = Files.createDirectories(study.resolve("codelists"));
        Files.writeString(codelists.resolve("codelists.txt"), "# study codelists\n" + ASTHMA + "\n" + ETHNICITY + "\n");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private CodelistsUpdate update(String at) {
        Clock clock = Clock.fixed(Instant.parse(at), ZoneOffset.UTC);
        return new CodelistsUpdate(new OpenCodelists(server.baseUrl(), "test"), clock, progress::add);
    }

    private String read(String name) throws Exception {
        return Files.readString(codelists.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void downloadsEveryCodelistAndWritesTheManifestThatCheckAccepts() throws Exception {
        CodelistsUpdate.Outcome o = update("2026-12-01T10:00:00.123456Z").run(codelists);
        assertEquals(2, o.downloaded());
        assertEquals(List.of("Fetching " + ASTHMA, "Fetching " + ETHNICITY), progress);
        assertEquals("code,term\r\nXa1,Asthma\r\n", read("opensafely-asthma-diagnosis.csv"), "written verbatim");
        assertEquals("""
                {
                  "files": {
                    "opensafely-asthma-diagnosis.csv": {
                      "id": "opensafely/asthma-diagnosis/2020-04-15",
                      "url": "%1$s/codelist/opensafely/asthma-diagnosis/2020-04-15/",
                      "downloaded_at": "2026-12-01 10:00:00.123456Z",
                      "sha": "%2$s"
                    },
                    "opensafely-ethnicity.csv": {
                      "id": "opensafely/ethnicity/2020-04-27",
                      "url": "%1$s/codelist/opensafely/ethnicity/2020-04-27/",
                      "downloaded_at": "2026-12-01 10:00:00.123456Z",
                      "sha": "%3$s"
                    }
                  }
                }""".formatted(server.baseUrl(), CsvDigest.sha1("code,term\nXa1,Asthma".getBytes(StandardCharsets.UTF_8)),
                CsvDigest.sha1("Code,Description,Grouping_6\n1,White,1".getBytes(StandardCharsets.UTF_8))), read("codelists.json"));
        assertTrue(server.requests.get(0).endsWith(" opensafely-lsp/test"), server.requests.toString());
        assertTrue(CodelistsCheck.run(codelists).ok(), CodelistsCheck.run(codelists).problems().toString());
    }

    @Test
    void anUpdateThatChangesNothingKeepsTheDatesSoGitSeesNoChange() throws Exception {
        update("2026-12-01T10:00:00Z").run(codelists);
        String first = read("codelists.json");
        CodelistsUpdate.Outcome again = update("2026-12-02T10:00:00Z").run(codelists);
        assertEquals(0, again.changed());
        assertEquals(first, read("codelists.json"));

        server.csvs.put(ETHNICITY, "Code,Description,Grouping_6\n1,White,1\n2,Mixed,2\n");
        assertEquals(1, update("2026-12-03T10:00:00Z").run(codelists).changed());
        assertTrue(read("codelists.json").contains("2026-12-03 10:00:00.000000Z"));
        assertTrue(read("codelists.json").contains("2026-12-01 10:00:00.000000Z"), "the asthma list kept its date");
    }

    @Test
    void csvsNoLongerListedAreDeletedButHandMadeOnesAreKept() throws Exception {
        update("2026-12-01T10:00:00Z").run(codelists);
        Files.writeString(codelists.resolve("my-own-list.csv"), "code\nX\n");
        Files.writeString(codelists.resolve("codelists.txt"), ASTHMA + "\n");
        CodelistsUpdate.Outcome o = update("2026-12-02T10:00:00Z").run(codelists);
        assertEquals(List.of("opensafely-ethnicity.csv"), o.deleted());
        assertEquals(List.of("my-own-list.csv"), o.leftInPlace());
        assertFalse(Files.exists(codelists.resolve("opensafely-ethnicity.csv")));
        assertEquals("code\nX\n", read("my-own-list.csv"));
        // check still reports the stray file, as OpenSAFELY would.
        List<String> problems = CodelistsCheck.run(codelists).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("added: my-own-list.csv"), problems.get(0));
    }

    @Test
    void aFailedDownloadLeavesTheManifestAsItWas() throws Exception {
        update("2026-12-01T10:00:00Z").run(codelists);
        String manifest = read("codelists.json");
        Files.writeString(codelists.resolve("codelists.txt"), ASTHMA + "\n" + ETHNICITY + "\nopensafely/missing/v1\n");
        CodelistsUpdate.Failed e = assertThrows(CodelistsUpdate.Failed.class, () -> update("2026-12-02T10:00:00Z").run(codelists));
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertEquals(manifest, read("codelists.json"));

        server.drafts.add("opensafely/missing/v1");
        e = assertThrows(CodelistsUpdate.Failed.class, () -> update("2026-12-02T10:00:00Z").run(codelists));
        assertTrue(e.getMessage().contains("is a draft"), e.getMessage());
    }

    @Test
    void aBadLineStopsTheUpdateBeforeAnyDownload() throws Exception {
        Files.writeString(codelists.resolve("codelists.txt"), ASTHMA + "\nopensafely/ethnicity\n");
        CodelistsUpdate.Failed e = assertThrows(CodelistsUpdate.Failed.class, () -> update("2026-12-01T10:00:00Z").run(codelists));
        assertTrue(e.getMessage().startsWith("codelists/codelists.txt line 2: "), e.getMessage());
        assertEquals(List.of(), server.requests);
    }

    @Test
    void checkFindsEditsAfterTheDownload() throws Exception {
        update("2026-12-01T10:00:00Z").run(codelists);
        Files.writeString(codelists.resolve("opensafely-asthma-diagnosis.csv"), "code,term\nXa1,Asthma\nXa9,Added by hand\n");
        Files.writeString(codelists.resolve("codelists.txt"), ASTHMA + "\n" + ETHNICITY + "\nopensafely/new-list/v1\n");
        List<String> problems = CodelistsCheck.run(codelists).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("added: opensafely/new-list/v1"), problems.get(0));
        assertTrue(problems.get(1).contains("codelists/opensafely-asthma-diagnosis.csv"), problems.get(1));
        assertTrue(CodelistsCheck.run(study.resolve("nowhere")).nothingToCheck());
    }

    @Test
    void upstreamVerdicts() throws Exception {
        update("2026-12-01T10:00:00Z").run(codelists);
        OpenCodelists oc = new OpenCodelists(server.baseUrl(), "test");
        assertEquals(new OpenCodelists.UpstreamVerdict(true, List.of()), oc.checkUpstream(read("codelists.txt"), read("codelists.json")));
        assertTrue(server.lastCheckForm.startsWith("codelists=# study codelists\n" + ASTHMA), server.lastCheckForm);

        server.checkAnswer = "{\"status\": \"error\", \"data\": {\"added\": [], \"removed\": [], \"changed\": [\"" + ETHNICITY + "\"]}}";
        assertEquals(List.of("Some codelists are out of date: " + ETHNICITY + "."),
                oc.checkUpstream(read("codelists.txt"), read("codelists.json")).problems());
        assertFalse(new OpenCodelists("http://127.0.0.1:1", "test").checkUpstream("", "{}").reachable());
    }
}
