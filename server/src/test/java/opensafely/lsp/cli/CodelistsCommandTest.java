package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.codelists.FakeOpenCodelists;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `codelists update` and `codelists check` as a user runs them in a study folder: output and exit codes. */
class CodelistsCommandTest {
    @TempDir
    Path study;
    FakeOpenCodelists server;

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeOpenCodelists();
        server.csvs.put("opensafely/asthma-diagnosis/2020-04-15", "code,term\nXa1,Asthma\n");
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\n");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CodelistsCommand cmd = new CodelistsCommand();
        cmd.workingDirectory = study;
        cmd.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void updateThenCheckPasses() {
        Result update = run("update", "--base-url", server.baseUrl());
        assertEquals(0, update.exit(), update.err());
        assertEquals("Fetching opensafely/asthma-diagnosis/2020-04-15\nUpdated 1 codelist(s): 1 changed.\n", update.out());
        assertTrue(Files.isRegularFile(study.resolve("codelists/opensafely-asthma-diagnosis.csv")));

        Result check = run("check", "--base-url", server.baseUrl());
        assertEquals(0, check.exit(), check.out() + check.err());
        assertEquals("Codelists OK\n", check.out());
    }

    @Test
    void checkFailsWhenTheListWasEditedOrUpstreamChanged() throws Exception {
        run("update", "--base-url", server.baseUrl());
        server.checkAnswer = "{\"status\": \"error\", \"data\": {\"added\": [], \"removed\": [], \"changed\": [\"opensafely/asthma-diagnosis/2020-04-15\"]}}";
        Result upstream = run("check", "--base-url", server.baseUrl());
        assertEquals(1, upstream.exit());
        assertTrue(upstream.out().startsWith("Some codelists are out of date: opensafely/asthma-diagnosis/2020-04-15."), upstream.out());
        assertEquals(0, run("check", "--offline").exit(), "the local check alone still passes");

        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\nopensafely/ethnicity/v1\n");
        Result local = run("check", "--offline");
        assertEquals(1, local.exit());
        assertTrue(local.out().contains("added: opensafely/ethnicity/v1"), local.out());
        assertTrue(local.out().endsWith("Run `codelists update` and commit the result.\n"), local.out());
    }

    @Test
    void exitCodes() throws Exception {
        assertEquals(2, run().exit(), "codelists without a subcommand is bad usage");
        Result refused = run("update", "--base-url", "http://127.0.0.1:1");
        assertEquals(2, refused.exit(), "a network failure is not a finding");
        assertEquals("Could not update the codelists: could not download from 127.0.0.1:1: connection refused."
                + " Nothing in codelists/ was changed.\n", refused.err());
        assertFalse(refused.err().contains("null"), refused.err());
        Result missing = run("update", "--base-url", server.baseUrl());
        assertEquals(0, missing.exit(), missing.err());
        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\nopensafely/nowhere/v1\n");
        Result notFound = run("update", "--base-url", server.baseUrl());
        assertEquals(1, notFound.exit(), "a codelist OpenCodelists does not have is a finding");
        assertTrue(notFound.err().contains("404"), notFound.err());
        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\n");

        Result offlineUpstream = run("check", "--base-url", "http://127.0.0.1:1");
        assertEquals(2, offlineUpstream.exit(), "an unreachable OpenCodelists is not a pass");
        assertEquals("", offlineUpstream.out());
        assertTrue(offlineUpstream.err().contains("127.0.0.1:1: connection refused"), offlineUpstream.err());
        assertEquals(1, offlineUpstream.err().lines().count(), offlineUpstream.err());
        Files.delete(study.resolve("codelists/codelists.txt"));
        Files.list(study.resolve("codelists")).forEach(p -> p.toFile().delete());
        Files.delete(study.resolve("codelists"));
        Result nothing = run("check");
        assertEquals(0, nothing.exit());
        assertEquals("No codelists/ folder: nothing to check.\n", nothing.out());
    }

    @Test
    void aServerErrorToTheCheckIsNotAFindingAndGivesNoAdviceToUpdate() throws Exception {
        assertEquals(0, run("update", "--base-url", server.baseUrl()).exit());
        for (String status : List.of("500", "404")) {
            server.checkStatus = Integer.parseInt(status);
            server.checkAnswer = "<html>Server Error</html>";
            Result r = run("check", "--base-url", server.baseUrl());
            assertEquals(2, r.exit(), r.out() + r.err());
            assertFalse((r.out() + r.err()).contains("codelists update"), r.out() + r.err());
            assertTrue(r.err().contains("answered HTTP " + status), r.err());
        }
    }

    @Test
    void badUsageExitsWithTwo() throws Exception {
        Result url = run("update", "--base-url", "not-a-url");
        assertEquals(2, url.exit());
        assertTrue(url.err().contains("not-a-url"), url.err());
        assertEquals(2, run("check", "--base-url", "ftp://example.org").exit());
        assertEquals(List.of(), server.requests);

        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\n../../etc/passwd\n");
        Result line = run("update", "--base-url", server.baseUrl());
        assertEquals(1, line.exit(), "a wrong line of codelists.txt is a finding");
        assertTrue(line.err().startsWith("codelists/codelists.txt line 2: '../../etc/passwd' is not a codelist"), line.err());
        assertEquals(List.of(), server.requests, "no request before every line is valid");

        Path elsewhere = Files.createDirectories(study.resolve("not-a-study"));
        CodelistsCommand cmd = new CodelistsCommand();
        cmd.workingDirectory = elsewhere;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        cmd.stdout = new PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, new CommandLine(cmd).execute("update", "--base-url", server.baseUrl()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a study folder"), err.toString(StandardCharsets.UTF_8));
    }
}
