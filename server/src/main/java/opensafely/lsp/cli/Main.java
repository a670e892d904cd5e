package opensafely.lsp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
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
            "With no command, it runs the language server on stdin/stdout (that is how editors start it)."})
public final class Main implements Callable<Integer> {
    /**
     * The commands, in the order help lists them. They are added by {@link #commandLine} rather than named in
     * the annotation: picocli reflects over every command it is given, and on a cold JVM building the models of
     * the six commands `check` does not use cost more than `check` of a typical project.yaml itself (issue #15).
     */
    static final List<String> COMMANDS = List.of("check", "lsp", "codelists", "dummy-data", "run", "init", "outputs");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The process's exit code for {@code args}; never throws, never prints a stack trace unless asked to. */
    public static int run(String... args) {
        return Guard.run(() -> execute(args), System.err);
    }

    private static int execute(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // picocli would print the same line; building its model first costs more than the JVM's own start.
            System.out.println("opensafely-lsp " + version()); // as Version gives picocli
            System.out.flush();
            return 0;
        }
        Optional<CheckCommand> check = QuickCheckArguments.parse(args);
        if (check.isPresent()) {
            try {
                return check.get().call();
            } catch (Exception ex) { // as picocli's execution exception handler below
                Guard.report(ex, System.err, System::getenv);
                return 2;
            }
        }
        CommandLine cl = commandLine(args);
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

    /**
     * The root command with the commands {@code args} can reach: only the one named first, as picocli then
     * parses every later word within it; none for no arguments (the language server) or a lone version option;
     * all of them otherwise, so help, and the error for a mistyped command, list every one.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        if (args.length == 0 || (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V")))) {
            return cl;
        }
        if (COMMANDS.contains(args[0])) {
            cl.addSubcommand(command(args[0]));
            return cl;
        }
        COMMANDS.forEach(name -> cl.addSubcommand(command(name)));
        return cl;
    }

    /** A command's class; only the one named is loaded. */
    private static Class<?> command(String name) {
        return switch (name) {
            case "check" -> CheckCommand.class;
            case "lsp" -> LspCommand.class;
            case "codelists" -> CodelistsCommand.class;
            case "dummy-data" -> DummyDataCommand.class;
            case "run" -> RunActionsCommand.class;
            case "init" -> InitCommand.class;
            case "outputs" -> OutputsCommand.class;
            default -> throw new IllegalArgumentException(name);
        };
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
