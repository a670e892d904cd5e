package opensafely.lsp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import opensafely.lsp.codelists.CodelistsCheck;
import opensafely.lsp.codelists.CodelistsUpdate;
import opensafely.lsp.codelists.OpenCodelists;
import opensafely.lsp.workspace.Excerpt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `codelists update` and `codelists check`, as the OpenSAFELY CLI's commands of the same name: run in a study
 * folder, they work on its codelists/ folder. Exit codes as every command's (CONTRACT.md): 0 all is well,
 * 1 findings (codelists.txt names something wrong, the downloads do not match it), 2 bad usage (not a study
 * folder, a --base-url that is not an address), unreadable input, or a network failure (which says nothing
 * about the study): one line on stderr naming the host and the cause.
 */
@Command(name = "codelists", mixinStandardHelpOptions = true,
        description = "Download the codelists of codelists/codelists.txt, or check that the downloads are current.",
        subcommands = {CodelistsCommand.Update.class, CodelistsCommand.Check.class})
public final class CodelistsCommand implements Callable<Integer> {
    @Option(names = "--base-url", paramLabel = "URL", defaultValue = OpenCodelists.DEFAULT_BASE_URL,
            description = "OpenCodelists to use (default: ${DEFAULT-VALUE}).", scope = picocli.CommandLine.ScopeType.INHERIT)
    String baseUrl;

    /** For tests: the study folder, the streams and the download bounds; null means the process's own. */
    Path workingDirectory;
    PrintStream stdout;
    PrintStream stderr;
    Clock clock = Clock.systemUTC();
    OpenCodelists.Limits limits;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** `codelists` alone: say which subcommands there are (bad usage, exit 2). */
    @Override
    public Integer call() {
        spec.commandLine().usage(err());
        return 2;
    }

    private Path cwd() {
        return workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
    }

    private Path codelistsDir() {
        return cwd().resolve("codelists");
    }

    private OpenCodelists openCodelists() {
        return new OpenCodelists(baseUrl, Main.version(), limits != null ? limits : OpenCodelists.Limits.defaults());
    }

    /** The usage errors both subcommands share; null when the command can go on. */
    private String usageError(boolean needsCodelistsFolder) {
        Optional<String> url = OpenCodelists.invalidBaseUrl(baseUrl);
        if (url.isPresent()) return "--base-url " + url.get();
        if (needsCodelistsFolder && !Files.isDirectory(codelistsDir())) {
            return Files.isRegularFile(cwd().resolve("project.yaml"))
                    ? "this study has no codelists/ folder; create codelists/codelists.txt listing the codelists first"
                    : "not a study folder (no project.yaml here); run this in the folder that holds project.yaml";
        }
        return null;
    }

    private PrintStream out() {
        return stdout != null ? stdout : System.out;
    }

    private PrintStream err() {
        return stderr != null ? stderr : System.err;
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Download every codelist of codelists/codelists.txt and write codelists/codelists.json.")
    static final class Update implements Callable<Integer> {
        @ParentCommand
        CodelistsCommand parent;

        @Override
        public Integer call() {
            PrintStream out = parent.out();
            String usage = parent.usageError(true);
            if (usage != null) {
                parent.err().println("opensafely-lsp codelists update: " + usage);
                return 2;
            }
            CodelistsUpdate update = new CodelistsUpdate(parent.openCodelists(), parent.clock, out::println);
            try {
                CodelistsUpdate.Outcome o = update.run(parent.codelistsDir());
                for (String kept : o.leftInPlace()) {
                    out.println("Kept codelists/" + Excerpt.of(kept) + ": it is not in codelists.txt and was not downloaded, so it may be"
                            + " yours; `codelists check` will report it until it moves (to local_codelists/, say).");
                }
                out.println("Updated " + o.downloaded() + " codelist(s): " + o.changed() + " changed.");
                return 0;
            } catch (CodelistsUpdate.Failed e) {
                parent.err().println(e.getMessage());
                return e.kind() == CodelistsUpdate.Failed.Kind.FINDING ? 1 : 2;
            } catch (IOException e) {
                parent.err().println("opensafely-lsp: cannot write in codelists/: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check that codelists.txt, codelists.json and the CSV files agree, and that OpenCodelists has no newer content.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        CodelistsCommand parent;

        @Option(names = "--offline", description = "Only the local check: do not ask OpenCodelists.")
        boolean offline;

        @Override
        public Integer call() {
            PrintStream out = parent.out();
            String usage = parent.usageError(false);
            if (usage != null) {
                parent.err().println("opensafely-lsp codelists check: " + usage);
                return 2;
            }
            Path dir = parent.codelistsDir();
            CodelistsCheck.Result local;
            try {
                local = CodelistsCheck.run(dir);
            } catch (IOException e) {
                parent.err().println("opensafely-lsp: cannot read codelists/: " + e.getMessage());
                return 2;
            }
            if (local.nothingToCheck()) {
                out.println("No codelists/ folder: nothing to check.");
                return 0;
            }
            if (!local.ok()) {
                local.problems().forEach(out::println);
                out.println("Run `codelists update` and commit the result.");
                return 1;
            }
            if (offline) {
                out.println("Codelists OK (local check only).");
                return 0;
            }
            OpenCodelists.UpstreamVerdict upstream = parent.openCodelists().checkUpstream(local.codelistsTxt(), local.manifestJson());
            if (!upstream.reachable()) {
                // Not a finding about the study, but not a pass either: CI must not take it for one.
                parent.err().println("opensafely-lsp codelists check: local codelists OK, but the check with OpenCodelists failed: "
                        + upstream.failure() + " (use --offline for the local check alone)");
                return 2;
            }
            if (!upstream.problems().isEmpty()) {
                upstream.problems().forEach(out::println);
                out.println("Run `codelists update` and commit the result.");
                return 1;
            }
            out.println("Codelists OK");
            return 0;
        }
    }
}
