package opensafely.lsp.runner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.pipeline.RunCommand;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A reusable action ({@code matching:v0.5 ...} in a `run:` line): the repository
 * {@code opensafely-actions/<name>} at tag {@code <version>}, whose {@code action.yaml} names the runtime image and
 * entrypoint (tooling.md §2.3 item 8). The job then runs the action's run words followed by the user's, with the
 * action's code in its workspace. Resolved over plain HTTP: the tag from git's ref advertisement
 * ({@code <repo>.git/info/refs}, which GitHub serves without the API's rate limit), action.yaml from the raw file
 * host at the tag's commit. Not checked here: that the commit is on main ("approved for use").
 */
public final class ReusableAction {
    private static final String ORG = "opensafely-actions";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BYTES = 1 << 20;
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    private final HttpClient http;
    private final URI gitBase;
    private final URI rawBase;
    private final URI cloneBase;

    /**
     * @param gitBase   the git host ({@code https://github.com}): repositories and their ref advertisements
     * @param rawBase   the raw file host ({@code https://raw.githubusercontent.com})
     * @param cloneBase where {@code git clone} fetches the code from (the git host; a local folder in tests)
     */
    public ReusableAction(HttpClient http, URI gitBase, URI rawBase, URI cloneBase) {
        this.http = http;
        this.gitBase = gitBase;
        this.rawBase = rawBase;
        this.cloneBase = cloneBase;
    }

    public ReusableAction(HttpClient http, URI gitBase, URI rawBase) {
        this(http, gitBase, rawBase, gitBase);
    }

    public static ReusableAction github() {
        return new ReusableAction(HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build(),
                URI.create("https://github.com"), URI.create("https://raw.githubusercontent.com"));
    }

    /** Why a reusable action cannot be used, in opensafely run's words (its ReusableActionError). */
    public static final class Failure extends IOException {
        public Failure(String message) {
            super(message);
        }
    }

    /**
     * A resolved action: where its code is and what it runs.
     *
     * @param runWords the runtime's words from action.yaml's run: after the image ({@code python analysis/match.py})
     */
    public record Resolved(String repoUrl, String cloneUrl, String tag, String commit, String runtimeImage,
            String runtimeVersion, List<String> runWords) {
        public Resolved {
            runWords = List.copyOf(runWords);
        }

        /** The job as it runs: the runtime image, the action's words, then the user's words after the action's name. */
        public JobCommand apply(JobCommand user) {
            List<String> args = new ArrayList<>(runWords);
            args.addAll(user.args());
            return new JobCommand(user.jobId(), user.action(), runtimeImage, runtimeVersion, args, user.config());
        }
    }

    public Resolved resolve(String name, String tag) throws IOException, InterruptedException {
        if (!name.matches("[A-Za-z0-9_.-]+")) throw new Failure("'" + name + ":" + tag + "' contains invalid characters");
        String repoUrl = base(gitBase) + "/" + ORG + "/" + name;
        Response refs = get(URI.create(repoUrl + ".git/info/refs?service=git-upload-pack"));
        if (refs.statusCode() != 200) {
            throw new Failure("could not find a repo at " + repoUrl
                    + ". Check that '" + name + "' is in the list of available actions at https://actions.opensafely.org");
        }
        String commit = tagCommit(new String(refs.body(), StandardCharsets.ISO_8859_1), tag)
                .orElseThrow(() -> new Failure("'" + tag + "' is not a tag listed in " + repoUrl + "/tags"));
        Response file = get(URI.create(base(rawBase) + "/" + ORG + "/" + name + "/" + commit + "/action.yaml"));
        if (file.statusCode() == 404) {
            throw new Failure(repoUrl + "/tree/" + tag + " doesn't look like a valid action (no 'action.yaml' file present)");
        }
        if (file.statusCode() != 200) throw new Failure("error reading '" + commit + "' from " + repoUrl + " (HTTP " + file.statusCode() + ")");
        List<String> words = runWords(new String(file.body(), StandardCharsets.UTF_8), repoUrl);
        String[] image = words.get(0).split(":", 2);
        String cloneUrl = base(cloneBase) + "/" + ORG + "/" + name + ".git";
        return new Resolved(repoUrl, cloneUrl, tag, commit, image[0], image[1], words.subList(1, words.size()));
    }

    /**
     * The commit a tag names in a git ref advertisement (pkt-lines of {@code <sha> <ref>}): the peeled
     * {@code refs/tags/<tag>^{}} line of an annotated tag, else the tag's own.
     */
    static Optional<String> tagCommit(String advertisement, String tag) {
        String direct = null;
        for (String raw : advertisement.split("\n")) {
            String line = raw.length() > 4 && raw.substring(0, 4).matches("[0-9a-f]{4}") ? raw.substring(4) : raw;
            int nul = line.indexOf('\0');
            if (nul >= 0) line = line.substring(0, nul);
            String[] parts = line.strip().split(" ", 2);
            if (parts.length != 2 || !SHA.matcher(parts[0]).matches()) continue;
            if (parts[1].equals("refs/tags/" + tag + "^{}")) return Optional.of(parts[0]);
            if (parts[1].equals("refs/tags/" + tag)) direct = parts[0];
        }
        return Optional.ofNullable(direct);
    }

    /** action.yaml's run: as words, checked as job-runner checks it: an allowed runtime that is not a database command. */
    static List<String> runWords(String actionYaml, String repoUrl) throws Failure {
        String invalid = "invalid action, please open an issue on " + repoUrl + "/issues: ";
        Object run;
        try {
            Object doc = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromString(actionYaml);
            run = doc instanceof Map<?, ?> m ? m.get("run") : null;
        } catch (RuntimeException e) {
            throw new Failure(invalid + "action.yaml is not valid YAML");
        }
        if (!(run instanceof String line)) throw new Failure(invalid + "Missing `run` key in 'action.yaml'");
        List<String> words = RunCommand.shellWords(line).orElseThrow(() -> new Failure(invalid + "its run: cannot be split into words"));
        if (words.isEmpty() || !words.get(0).contains(":")) throw new Failure(invalid + "its run: names no runtime image");
        String image = words.get(0).substring(0, words.get(0).indexOf(':'));
        if (!DockerImage.allowed(image)) throw new Failure(invalid + "Unrecognised runtime: " + image);
        if (DockerImage.databaseCommand(image, words.size() > 1 ? words.get(1) : "")) {
            throw new Failure(invalid + "Re-usable actions cannot invoke cohortextractor/databuilder");
        }
        return words;
    }

    /**
     * Puts the action's code at its tag into {@code workspace}, over the study's files of the same name
     * ({@code git clone --depth 1 --branch <tag>} into a temporary folder, then copied without {@code .git}).
     */
    private static final Duration CLONE_TIMEOUT = Duration.ofMinutes(5);

    public void fetchCode(Resolved action, Path workspace) throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("opensafely-action-");
        try {
            // The same bounded runner as docker's commands: the 5-minute limit holds even when git stalls silently.
            DockerCli.Result r = new ProcessDockerCli("git").run(List.of("clone", "--quiet", "--depth", "1", "--branch", action.tag(),
                    action.cloneUrl(), tmp.resolve("code").toString()), Map.of(), CLONE_TIMEOUT, line -> { }, () -> false);
            if (r.timedOut()) {
                throw new Failure("could not fetch " + action.repoUrl() + " at " + action.tag() + ": git clone took over 5 minutes");
            }
            if (!r.ok()) {
                String why = r.lastLine().strip();
                throw new Failure("could not fetch " + action.repoUrl() + " at " + action.tag() + (why.isEmpty() ? "" : ": " + why));
            }
            copyTree(tmp.resolve("code"), workspace);
        } finally {
            JobWorkspace.deleteTree(tmp);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals(".git")) return FileVisitResult.SKIP_SUBTREE;
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // Regular files only: a link in the action's repository must not reach outside the workspace.
                if (attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING,
                            LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }


    /** A response's status and at most the first megabyte of its body. */
    private record Response(int statusCode, byte[] body) {
    }

    private Response get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("User-Agent", "opensafely-lsp").GET().build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            return new Response(response.statusCode(), in.readNBytes(MAX_BYTES));
        }
    }

    private static String base(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
