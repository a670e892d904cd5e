package opensafely.lsp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: `check` for CI, `lsp` (the default) for editors, `codelists` as in the OpenSAFELY CLI. See
 * CONTRACT.md for the contract.
 */
@Command(name = "opensafely-lsp",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Language server and checker for OpenSAFELY studies.",
            "With no command, it runs the language server on stdin/stdout (that is how editors start it)."},
        subcommands = {CheckCommand.class, LspCommand.class, CodelistsCommand.class, DummyDataCommand.class, RunActionsCommand.class, InitCommand.class, OutputsCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The process's exit code for {@code args}; never throws, never prints a stack trace unless asked to. */
    public static int run(String... args) {
        return Guard.run(() -> execute(args), System.err);
    }

    private static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // Contract: 2 for bad usage or an internal error, with one line on stderr.
        cl.setExitCodeExceptionMapper(e -> 2);
        cl.setParameterExceptionHandler((ex, a) -> {
            cl.getErr().println(UsageErrors.oneLine(ex));
            return 2;
        });
        // picocli would print the stack trace of an exception it is handed back: say it in one line here.
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Guard.report(ex, System.err, System::getenv);
            return 2;
        });
        return cl.execute(args);
    }

    /** With no command, serve the language protocol on stdin/stdout: that is how editors start it. */
    @Override
    public Integer call() throws Exception {
        return new LspCommand().call();
    }

    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/opensafely/lsp/version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"opensafely-lsp " + version()};
        }
    }
}
