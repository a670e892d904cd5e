package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reusable actions resolved against a local server standing in for github.com and its raw file host. */
class ReusableActionTest {
    private static final String COMMIT = "1111111111111111111111111111111111111111";
    private static final String PEELED = "2222222222222222222222222222222222222222";

    private HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private ReusableAction actions;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String page = pages.get(exchange.getRequestURI().toString());
            byte[] body = (page == null ? "Not Found" : page).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        actions = new ReusableAction(HttpClient.newHttpClient(), URI.create(base + "/git"), URI.create(base + "/raw"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** A ref advertisement as git's smart HTTP serves it: pkt-lines, capabilities after a NUL on the first ref. */
    private static String refs(String... lines) {
        StringBuilder b = new StringBuilder("001e# service=git-upload-pack\n0000");
        for (String l : lines) b.append(String.format("%04x", l.length() + 5)).append(l).append('\n');
        return b.append("0000").toString();
    }

    private void matchingAt(String tag, String actionYaml) {
        pages.put("/git/opensafely-actions/matching.git/info/refs?service=git-upload-pack",
                refs(COMMIT + " HEAD\0multi_ack side-band-64k", COMMIT + " refs/heads/main",
                        COMMIT + " refs/tags/" + tag, PEELED + " refs/tags/" + tag + "^{}"));
        if (actionYaml != null) pages.put("/raw/opensafely-actions/matching/" + PEELED + "/action.yaml", actionYaml);
    }

    @Test
    void theEffectiveCommandIsTheActionsRunThenTheUsersArgs() throws Exception {
        matchingAt("v0.5", "run: python:v2 python /action/match.py\nname: matching\n");
        ReusableAction.Resolved r = actions.resolve("matching", "v0.5");
        assertEquals(PEELED, r.commit());
        assertEquals(base + "/git/opensafely-actions/matching", r.repoUrl());
        JobCommand user = new JobCommand("j", "match", "matching", "v0.5", List.of("--cases", "output/cases.csv"),
                Optional.of("{\"k\":1}"));
        assertEquals(new JobCommand("j", "match", "python", "v2", List.of("python", "/action/match.py", "--cases", "output/cases.csv"),
                Optional.of("{\"k\":1}")), r.apply(user));
    }

    @Test
    void noSuchRepo() {
        Exception e = assertThrows(ReusableAction.Failure.class, () -> actions.resolve("nomatch", "v1"));
        assertEquals("could not find a repo at " + base + "/git/opensafely-actions/nomatch. Check that 'nomatch' is in the list"
                + " of available actions at https://actions.opensafely.org", e.getMessage());
    }

    @Test
    void notATag() {
        matchingAt("v0.5", "run: python:v2 python x.py\n");
        Exception e = assertThrows(ReusableAction.Failure.class, () -> actions.resolve("matching", "v0.6"));
        assertEquals("'v0.6' is not a tag listed in " + base + "/git/opensafely-actions/matching/tags", e.getMessage());
    }

    @Test
    void noActionYaml() {
        matchingAt("v0.5", null);
        Exception e = assertThrows(ReusableAction.Failure.class, () -> actions.resolve("matching", "v0.5"));
        assertEquals(base + "/git/opensafely-actions/matching/tree/v0.5 doesn't look like a valid action"
                + " (no 'action.yaml' file present)", e.getMessage());
    }

    @Test
    void actionYamlMustNameAnAllowedRuntimeThatIsNotADatabaseCommand() {
        String issues = "invalid action, please open an issue on " + base + "/git/opensafely-actions/matching/issues: ";
        matchingAt("v1", "name: x\n");
        assertEquals(issues + "Missing `run` key in 'action.yaml'",
                assertThrows(ReusableAction.Failure.class, () -> actions.resolve("matching", "v1")).getMessage());
        matchingAt("v1", "run: rstudio:v2 R\n");
        assertEquals(issues + "Unrecognised runtime: rstudio",
                assertThrows(ReusableAction.Failure.class, () -> actions.resolve("matching", "v1")).getMessage());
        matchingAt("v1", "run: ehrql:v1 generate-dataset d.py\n");
        assertEquals(issues + "Re-usable actions cannot invoke cohortextractor/databuilder",
                assertThrows(ReusableAction.Failure.class, () -> actions.resolve("matching", "v1")).getMessage());
    }

    @Test
    void aLightweightTagNamesItsCommitDirectly() {
        String adv = refs(COMMIT + " refs/heads/main", PEELED + " refs/tags/v2");
        assertEquals(Optional.of(PEELED), ReusableAction.tagCommit(adv, "v2"));
        assertEquals(Optional.empty(), ReusableAction.tagCommit(adv, "v3"));
    }

    /** The action's code, fetched from a local repository standing in for GitHub, lands in the workspace without .git. */
    @Test
    void fetchesTheCodeAtTheTag(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("host/opensafely-actions/matching.git");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("match.py"), "print('v1')\n");
        Assumptions.assumeTrue(git(repo, "init", "-q") == 0, "no git on this machine");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v1");
        git(repo, "tag", "v1");
        Files.writeString(repo.resolve("match.py"), "print('later')\n");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "later");
        ReusableAction local = new ReusableAction(HttpClient.newHttpClient(), dir.resolve("host").toUri(), URI.create(base));
        String repoUrl = dir.resolve("host").toUri().toString().replaceAll("/$", "") + "/opensafely-actions/matching";
        ReusableAction.Resolved r = new ReusableAction.Resolved(repoUrl, repoUrl + ".git", "v1", COMMIT, "python", "v2", List.of());
        Path ws = Files.createDirectories(dir.resolve("ws"));
        local.fetchCode(r, ws);
        assertEquals("print('v1')\n", Files.readString(ws.resolve("match.py")));
        assertFalse(Files.exists(ws.resolve(".git")));
        ReusableAction.Resolved missing = new ReusableAction.Resolved(repoUrl, repoUrl + ".git", "v9", COMMIT, "python", "v2", List.of());
        Exception e = assertThrows(ReusableAction.Failure.class, () -> local.fetchCode(missing, ws));
        assertEquals(true, e.getMessage().startsWith("could not fetch " + repoUrl + " at v9"), e.getMessage());
    }

    /** §2.3 item 8 through the executor: resolved, its code fetched into the workspace, run in its runtime image. */
    @Test
    void theDockerExecutorRunsAReusableActionInItsRuntimeWithItsCode(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("host/opensafely-actions/matching.git"));
        Files.writeString(repo.resolve("match.py"), "print('matching')\n");
        Assumptions.assumeTrue(git(repo, "init", "-q") == 0, "no git on this machine");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v0.5");
        git(repo, "tag", "v0.5");
        matchingAt("v0.5", "run: python:v2 python /workspace/match.py\n");
        ReusableAction withCode = new ReusableAction(HttpClient.newHttpClient(), URI.create(base + "/git"), URI.create(base + "/raw"),
                dir.resolve("host").toUri());
        FakeDocker docker = new FakeDocker(args -> switch (args.get(0)) {
            case "wait" -> FakeDocker.Answer.ok("0");
            default -> FakeDocker.Answer.ok();
        });
        DockerExecutor ex = new DockerExecutor(docker, "study", "job-runner-local-AAAAAAAA", new DockerLimits("2", "4G"), n -> null,
                "Mac OS X", withCode);
        Path ws = Files.createDirectories(dir.resolve("ws"));
        JobCommand user = new JobCommand("j7", "match", "matching", "v0.5", List.of("--cases", "output/cases.csv"),
                Optional.of("{\"k\":1}"));
        assertEquals(Optional.empty(), ex.cannotRun(user));
        assertEquals(0, ex.run(user, ws, Map.of("OPENSAFELY_BACKEND", "expectations"), l -> { }, () -> false));
        assertEquals("print('matching')\n", Files.readString(ws.resolve("match.py")));
        List<String> run = docker.commands().stream().filter(c -> c.get(0).equals("run")).findFirst().orElseThrow();
        assertEquals(List.of("ghcr.io/opensafely-core/python:v2", "python", "/workspace/match.py", "--cases", "output/cases.csv",
                "--config", "{\"k\":1}"), run.subList(run.indexOf("ghcr.io/opensafely-core/python:v2"), run.size()));
        assertEquals(List.of("image", "inspect", "ghcr.io/opensafely-core/python:v2"), docker.commands().get(1));
    }

    private static int git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
