package opensafely.lsp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import opensafely.lsp.codelists.CodelistsCheck;
import opensafely.lsp.codelists.CodelistsUpdate;
import opensafely.lsp.codelists.Manifest;
import opensafely.lsp.codelists.OpenCodelists;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `codelists update` and `codelists check`, as the OpenSAFELY CLI's commands of the same name: run in a study
 * folder, they work on its codelists/ folder. Exit 0 when all is well, 1 for problems or a failed download.
 */
@Command(name = "codelists", mixinStandardHelpOptions = true,
        description = "Download the codelists of codelists/codelists.txt, or check that the downloads are current.",
        subcommands = {CodelistsCommand.Update.class, CodelistsCommand.Check.class})
public final class CodelistsCommand implements Callable<Integer> {
    @Option(names = "--base-url", paramLabel = "URL", defaultValue = OpenCodelists.DEFAULT_BASE_URL,
            description = "OpenCodelists to use (default: ${DEFAULT-VALUE}).", scope = picocli.CommandLine.ScopeType.INHERIT)
    String baseUrl;

    /** For tests: the study folder and the streams; null means the process's own. */
    Path workingDirectory;
    PrintStream stdout;
    PrintStream stderr;
    Clock clock = Clock.systemUTC();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** `codelists` alone: say which subcommands there are (bad usage, exit 2). */
    @Override
    public Integer call() {
        spec.commandLine().usage(err());
        return 2;
    }

    private Path codelistsDir() {
        return (workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath()).resolve("codelists");
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
            CodelistsUpdate update = new CodelistsUpdate(new OpenCodelists(parent.baseUrl, Main.version()), parent.clock, out::println);
            try {
                CodelistsUpdate.Outcome o = update.run(parent.codelistsDir());
                for (String kept : o.leftInPlace()) {
                    out.println("Kept codelists/" + kept + ": it is not in codelists.txt and was not downloaded, so it may be"
                            + " yours; `codelists check` will report it until it moves (to local_codelists/, say).");
                }
                out.println("Updated " + o.downloaded() + " codelist(s): " + o.changed() + " changed.");
                return 0;
            } catch (CodelistsUpdate.Failed e) {
                parent.err().println(e.getMessage());
                return 1;
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
            OpenCodelists.UpstreamVerdict upstream;
            try {
                upstream = new OpenCodelists(parent.baseUrl, Main.version()).checkUpstream(
                        Files.readString(dir.resolve("codelists.txt"), StandardCharsets.UTF_8),
                        Files.readString(dir.resolve(Manifest.FILE), StandardCharsets.UTF_8));
            } catch (IOException e) {
                parent.err().println("opensafely-lsp: cannot read codelists/: " + e.getMessage());
                return 2;
            }
            if (!upstream.reachable()) {
                out.println("Local codelists OK; OpenCodelists could not be reached to check for newer content.");
                return 0;
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
