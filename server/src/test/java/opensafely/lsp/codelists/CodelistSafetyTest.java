package opensafely.lsp.codelists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Codelists and the files a study reads, as a hostile or broken study presents them: links out of the folder,
 * an enormous header, ids that are paths, a server that stalls or never stops. What the user sees: the
 * findings, the messages, the folder left as it was, a bounded wait.
 */
class CodelistSafetyTest {
    @TempDir
    Path study;

    private static final String PROJECT = """
            version: '4.0'
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
            """;

    private static final String DEFINITION = """
            from ehrql import codelist_from_csv, create_dataset
            from ehrql.tables.core import clinical_events, patients

            codes = codelist_from_csv("codelists/list.csv", column="code")

            dataset = create_dataset()
            dataset.define_population(patients.exists_for_patient())
            dataset.a = clinical_events.where(clinical_events.snomedct_code.is_in(codes)).exists_for_patient()
            """;

    private List<Diagnostic> check(String definition) throws IOException {
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        Path file = Files.createDirectories(study.resolve("analysis")).resolve("dataset_definition.py");
        Files.writeString(file, definition);
        return new StudyLanguageService().diagnostics(new Document(file, definition, 0, StudyFolder.at(study)));
    }

    private static List<Diagnostic> of(List<Diagnostic> all, String code) {
        return all.stream().filter(d -> d.rule().id().equals(code)).toList();
    }

    // --- reading the study's files ---------------------------------------------------------------

    @Test
    void aCodelistLinkedOutOfTheStudyIsReportedOnItsPathAndNotRead() throws Exception {
        Path outside = Files.createDirectories(study.resolveSibling(study.getFileName() + "-outside")).resolve("secret.csv");
        Files.writeString(outside, "TOKEN=hunter2-secret,PASSWORD=x\n1,2\n");
        Files.createDirectories(study.resolve("codelists"));
        Files.createSymbolicLink(study.resolve("codelists/list.csv"), outside);

        List<Diagnostic> found = check(DEFINITION);
        List<Diagnostic> links = of(found, "file-outside-study");
        assertEquals(1, links.size(), found.toString());
        assertEquals(3, links.get(0).range().start().line());
        assertEquals(26, links.get(0).range().start().character(), "on the path string");
        assertFalse(found.toString().contains("hunter2"), found.toString());
        assertTrue(of(found, "ehrql-codelist-column-missing").isEmpty(), "the file was read: " + found);
    }

    @Test
    void studyFolderReadsOnlyRegularFilesInsideAndBoundsTheRead() throws Exception {
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        Path outside = Files.createDirectories(study.resolveSibling(study.getFileName() + "-out")).resolve("x.txt");
        Files.writeString(outside, "outside");
        Path inside = Files.writeString(study.resolve("inside.txt"), "0123456789");
        Files.createSymbolicLink(study.resolve("in-link.txt"), inside);
        Files.createSymbolicLink(study.resolve("out-link.txt"), outside);
        Files.createDirectories(study.resolve("sub"));
        Files.createSymbolicLink(study.resolve("sub/up"), outside.getParent()); // a linked folder leads out too
        StudyFolder folder = StudyFolder.at(study);

        assertEquals(StudyFolder.Access.FILE, folder.access(inside));
        assertEquals(StudyFolder.Access.FILE, folder.access(study.resolve("in-link.txt")), "a link that stays inside is fine");
        assertEquals(StudyFolder.Access.OUTSIDE, folder.access(study.resolve("out-link.txt")));
        assertEquals(StudyFolder.Access.OUTSIDE, folder.access(study.resolve("sub/up/x.txt")));
        assertEquals(StudyFolder.Access.OUTSIDE, folder.access(outside));
        assertEquals(StudyFolder.Access.MISSING, folder.access(study.resolve("nothing.txt")));
        assertEquals(StudyFolder.Access.NOT_A_FILE, folder.access(study.resolve("sub")));
        assertTrue(folder.readString(study.resolve("out-link.txt")).isEmpty());
        assertEquals("0123456789", folder.readString(study.resolve("in-link.txt")).orElseThrow());
        assertTrue(folder.readBytes(inside, 5).isEmpty(), "longer than the bound: not read at all");

        Path fifo = study.resolve("pipe.csv");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mkfifo.waitFor() == 0) {
            // Opening a FIFO with no writer blocks forever: it must be refused before it is opened.
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                assertEquals(StudyFolder.Access.NOT_A_FILE, folder.access(fifo));
                assertTrue(folder.readString(fifo).isEmpty());
                assertTrue(new CodelistCsvFiles().read(folder, fifo).isEmpty());
            });
        }
    }

    @Test
    void anImportedModuleLinkedOutOfTheStudyIsReportedOnTheImport() throws Exception {
        Path outside = Files.createDirectories(study.resolveSibling(study.getFileName() + "-mods")).resolve("helpers.py");
        Files.writeString(outside, "SECRET_NAME = 'hunter2'\n");
        Files.createDirectories(study.resolve("analysis"));
        Files.createSymbolicLink(study.resolve("analysis/helpers.py"), outside);
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("codelists/list.csv"), "code,term\n195967001,Asthma\n");
        List<Diagnostic> found = check("from helpers import *\n" + DEFINITION);
        List<Diagnostic> links = of(found, "file-outside-study");
        assertEquals(1, links.size(), found.toString());
        assertEquals(0, links.get(0).range().start().line());
        assertEquals(5, links.get(0).range().start().character());
        assertEquals(12, links.get(0).range().end().character());
    }

    @Test
    void anOverLongHeaderIsItsOwnFindingWithACutExcerpt() throws Exception {
        Files.createDirectories(study.resolve("codelists"));
        StringBuilder header = new StringBuilder("code,term");
        while (header.length() < 2_000_000) header.append(",column_").append(header.length());
        Files.writeString(study.resolve("codelists/list.csv"), header + "\n1,2\n");
        List<Diagnostic> found = check(DEFINITION.replace("column=\"code\"", "column=\"codes\""));
        List<Diagnostic> longHeader = of(found, "codelist-header-too-long");
        assertEquals(1, longHeader.size(), found.toString());
        assertTrue(longHeader.get(0).message().contains("(it starts \"code,term,column_"), longHeader.get(0).message());
        int total = found.stream().mapToInt(d -> d.message().length()).sum();
        assertTrue(total < 2000, "messages echo the header: " + total + " characters");
    }

    @Test
    void columnNamesInMessagesAreShortAndEscaped() throws Exception {
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("codelists/list.csv"), "co\u202Ede,term" + ",x".repeat(200) + "\n1,2\n");
        List<Diagnostic> found = check(DEFINITION);
        List<Diagnostic> column = of(found, "ehrql-codelist-column-missing");
        assertEquals(1, column.size(), found.toString());
        String m = column.get(0).message();
        assertFalse(m.contains("\u202E"), m);
        assertTrue(m.contains("co\\u202Ede, term, x"), m);
        assertTrue(m.length() < 250, m);
    }

    // --- codelists.txt ----------------------------------------------------------------------------

    @Test
    void idsThatAreNotOpenCodelistsNamesAreRefusedOnTheirLine() {
        List<String> bad = List.of("../../etc/passwd", "./codelists/v1", "opensafely/%2e%2e/v1", "opensafely/asth\u202Ema/v1",
                "opensafely/asthma diagnosis/v1", "opensafely/asthma\u0000/v1", "opensafely/asthma\u0007x/v1",
                "opensafely\\asthma/x/v1", "opensafely/../v1", "opensafely/asthma/..");
        for (String line : bad) {
            CodelistsTxt txt = CodelistsTxt.parse("opensafely/ethnicity/v1\n" + line + "\n");
            assertEquals(List.of("opensafely/ethnicity/v1"), txt.codelists().stream().map(CodelistLine::id).toList(), line);
            assertEquals(1, txt.problems().size(), line);
            CodelistsTxt.Problem p = txt.problems().get(0);
            assertEquals(1, p.line(), line);
            assertTrue(p.message().chars().noneMatch(c -> c < 0x20 || c == 0x202E), "escaped: " + p.message());
        }
        CodelistsTxt bom = CodelistsTxt.parse("\uFEFFopensafely/asthma-diagnosis/2020-04-15\n");
        assertEquals(List.of(), bom.problems());
        assertEquals("opensafely/asthma-diagnosis/2020-04-15", bom.codelists().get(0).id());
        assertEquals("opensafely-asthma-diagnosis.csv", bom.codelists().get(0).fileName());
    }

    @Test
    void everyCorpusCodelistsTxtStaysClean() throws Exception {
        Path corpus = opensafely.lsp.SharedData.dir().resolve("corpus");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(corpus), "no corpus");
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus)) {
            files = s.filter(p -> p.getFileName().toString().equals(CodelistsTxt.FILE)).toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            String text = Files.readString(f);
            List<String> problems = CodelistsTxt.parse(text).problems().stream()
                    .filter(p -> p.kind() == CodelistsTxt.Problem.Kind.FORMAT).map(CodelistsTxt.Problem::message)
                    .collect(Collectors.toList());
            assertEquals(List.of(), problems, f.toString());
        }
    }

    // --- updates are all or nothing ---------------------------------------------------------------

    @Test
    void aFailureAtTheSecondOfThreeCodelistsChangesNothing() throws Exception {
        try (FakeOpenCodelists server = new FakeOpenCodelists()) {
            Path codelists = Files.createDirectories(study.resolve("codelists"));
            server.csvs.put("opensafely/a/v1", "code\n1\n");
            server.csvs.put("opensafely/c/v1", "code\n3\n");
            Files.writeString(codelists.resolve("codelists.txt"), "opensafely/a/v1\n");
            CodelistsUpdate update = new CodelistsUpdate(new OpenCodelists(server.baseUrl(), "test"), Clock.systemUTC(), s -> { });
            update.run(codelists);
            String manifest = Files.readString(codelists.resolve("codelists.json"));

            server.csvs.put("opensafely/a/v1", "code\n1\n2\n");
            Files.writeString(codelists.resolve("codelists.txt"), "opensafely/a/v1\nopensafely/b/v1\nopensafely/c/v1\n");
            CodelistsUpdate.Failed e = assertThrows(CodelistsUpdate.Failed.class, () -> update.run(codelists));
            assertEquals(CodelistsUpdate.Failed.Kind.FINDING, e.kind());
            assertTrue(e.getMessage().contains("Nothing in codelists/ was changed"), e.getMessage());
            assertEquals(manifest, Files.readString(codelists.resolve("codelists.json")));
            assertEquals("code\n1\n", Files.readString(codelists.resolve("opensafely-a.csv")), "the first CSV is as it was");
            try (Stream<Path> s = Files.list(codelists)) {
                assertEquals(List.of("codelists.json", "codelists.txt", "opensafely-a.csv"),
                        s.map(p -> p.getFileName().toString()).sorted().toList(), "no new CSV, no temporary file");
            }
        }
    }

    @Test
    void temporaryFilesLeftByAKilledProcessAreRemovedNextTimeAndNeverTakenForCodelists() throws Exception {
        try (FakeOpenCodelists server = new FakeOpenCodelists()) {
            Path codelists = Files.createDirectories(study.resolve("codelists"));
            server.csvs.put("opensafely/a/v1", "code\n1\n");
            Files.writeString(codelists.resolve("codelists.txt"), "opensafely/a/v1\n");
            new CodelistsUpdate(new OpenCodelists(server.baseUrl(), "test"), Clock.systemUTC(), s -> { }).run(codelists);
            // What a kill -9 in the middle of a write leaves: a process number that no longer runs.
            long dead = deadPid();
            Path stale = Files.writeString(codelists.resolve(".opensafely-a.csv.opensafely-lsp-" + dead + "-1.tmp"), "code\n9\n");
            assertTrue(opensafely.lsp.workspace.AtomicWrite.isTemporary(stale.getFileName().toString()));
            assertEquals(List.of(), CodelistsCheck.run(codelists).problems(), "the check ignores it");
            new CodelistsUpdate(new OpenCodelists(server.baseUrl(), "test"), Clock.systemUTC(), s -> { }).run(codelists);
            assertFalse(Files.exists(stale), "the next run removes it");

            // Any write cleans up its folder: dummy data's output/ the same way.
            Path output = Files.createDirectories(study.resolve("output"));
            Path staleData = Files.writeString(output.resolve(".input.csv.opensafely-lsp-" + dead + "-7.tmp"), "patient_id\n1\n");
            opensafely.lsp.workspace.AtomicWrite.write(output.resolve("input.csv"), "patient_id\n".getBytes(StandardCharsets.UTF_8));
            assertFalse(Files.exists(staleData));
            try (Stream<Path> s = Files.list(output)) {
                assertEquals(List.of("input.csv"), s.map(p -> p.getFileName().toString()).toList());
            }

            // And a CSV in codelists/ that is a link out of the study is reported by the check, never read.
            Path outside = Files.createDirectories(study.resolveSibling(study.getFileName() + "-lists")).resolve("a.csv");
            Files.writeString(outside, "TOKEN=hunter2\n");
            Files.delete(codelists.resolve("opensafely-a.csv"));
            Files.createSymbolicLink(codelists.resolve("opensafely-a.csv"), outside);
            List<String> problems = CodelistsCheck.run(codelists).problems();
            assertEquals(List.of("codelists/opensafely-a.csv is a link to a file outside the study folder, so it is not read;"
                    + " commit the file itself, not a link."), problems);
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    // --- downloads are bounded ------------------------------------------------------------------

    @Test
    void aServerThatStallsMidBodyOrNeverStopsIsGivenUpOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/codelist/opensafely/stall/v1/download.csv", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/csv");
            ex.sendResponseHeaders(200, 1000);
            OutputStream out = ex.getResponseBody();
            out.write("code,term\n1,".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                release.await(); // and then nothing, until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.createContext("/codelist/opensafely/huge/v1/download.csv", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/csv");
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = "1,abcdefghijklmnopqrstuvwxyz\n".repeat(2000).getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < 600L << 20; sent += chunk.length) out.write(chunk);
            } catch (IOException e) {
                // the client gave up: as it should
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            OpenCodelists oc = new OpenCodelists(base, "test", new OpenCodelists.Limits(Duration.ofSeconds(2), 1 << 20));
            CodelistSource.DownloadFailed stalled = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                    CodelistSource.DownloadFailed.class, () -> oc.download(CodelistsTxt.parse("opensafely/stall/v1").codelists().get(0))));
            assertTrue(stalled.unreachable());
            assertTrue(stalled.getMessage().contains("127.0.0.1:") && stalled.getMessage().contains("within 2 s"), stalled.getMessage());

            OpenCodelists generous = new OpenCodelists(base, "test", new OpenCodelists.Limits(Duration.ofSeconds(60), 1 << 20));
            CodelistSource.DownloadFailed huge = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                    CodelistSource.DownloadFailed.class, () -> generous.download(CodelistsTxt.parse("opensafely/huge/v1").codelists().get(0))));
            assertTrue(huge.getMessage().contains("larger than 1 MB"), huge.getMessage());
        } finally {
            release.countDown();
            server.stop(0);
        }
    }
}
