package opensafely.lsp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What a cold JVM costs before `check` does any work of its own, as whole processes for bench/run.sh to
 * time: an empty main; picocli parsing one trivial command; snakeyaml-engine reading a file to events
 * (its lowest level, below the node tree the server builds). Their sum is a floor for `check`'s wall
 * time with the libraries the project has chosen.
 *
 * <pre>
 *   java -cp opensafely-lsp-bench.jar opensafely.lsp.bench.StartupFloor empty
 *   java -cp opensafely-lsp-bench.jar opensafely.lsp.bench.StartupFloor picocli --format text a b
 *   java -cp opensafely-lsp-bench.jar opensafely.lsp.bench.StartupFloor yaml-events FILE
 * </pre>
 */
public final class StartupFloor {
    private StartupFloor() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "empty" -> { }
            case "picocli" -> System.exit(new CommandLine(new Trivial()).execute(List.of(args).subList(1, args.length).toArray(String[]::new)));
            case "yaml-events" -> System.out.println(events(Path.of(args[1])) + " events");
            default -> {
                System.err.println("usage: StartupFloor empty | picocli ARGS... | yaml-events FILE");
                System.exit(2);
            }
        }
    }

    /** The same settings as the server's loader where they matter for speed: marks on, no size limit. */
    private static int events(Path file) throws Exception {
        LoadSettings settings = LoadSettings.builder().setUseMarks(true).setCodePointLimit(Integer.MAX_VALUE)
                .setAllowDuplicateKeys(true).build();
        int n = 0;
        for (var ignored : new Parse(settings).parseString(Files.readString(file))) n++;
        return n;
    }

    @Command(name = "trivial", mixinStandardHelpOptions = true)
    static final class Trivial implements Callable<Integer> {
        @Option(names = "--format")
        String format;

        @Parameters
        List<String> paths = new ArrayList<>();

        @Override
        public Integer call() {
            return 0;
        }
    }
}
