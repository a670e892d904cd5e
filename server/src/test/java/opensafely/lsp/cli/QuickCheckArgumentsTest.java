package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `check`'s arguments read without picocli (start-up, issue #15) mean exactly what picocli reads in them; every
 * form the quick reading does not take is left to picocli.
 */
class QuickCheckArgumentsTest {
    private static final List<List<String>> TAKEN = List.of(
            List.of("check"),
            List.of("check", "."),
            List.of("check", "project.yaml", "analysis/study_definition.py"),
            List.of("check", "a folder with spaces", "--format", "json"),
            List.of("check", "--format=sarif", "--output=report.sarif", "."),
            List.of("check", "--format", "github", "--fail-on", "warning", "--output", "-", "x", "y"),
            List.of("check", "--fail-on=never", "a=b"),
            List.of("check", "check"));

    private static final List<List<String>> LEFT_TO_PICOCLI = List.of(
            List.of(),
            List.of("lsp"),
            List.of("--version"),
            List.of("check", "--help"),
            List.of("check", "-h"),
            List.of("check", "--"),
            List.of("check", "--", "-odd"),
            List.of("check", "@args.txt"),
            List.of("check", "--format"),
            List.of("check", "--format", "yaml"),
            List.of("check", "--format", "JSON"),
            List.of("check", "--format="),
            List.of("check", "--format", "json", "--format", "text"),
            List.of("check", "--output", "a", "--output", "b"),
            List.of("check", "--fail-on", "warning", "--fail-on", "error"),
            List.of("check", "--fail-on", "errors"),
            List.of("check", "--output", "--format"),
            List.of("check", "--output", "@x"),
            List.of("check", "--formats", "json"),
            List.of("check", "-"),
            List.of("check", ""),
            List.of("check", "--output", "a\0b"));

    private static CheckCommand picocli(List<String> args) {
        String[] a = args.toArray(String[]::new);
        CommandLine cl = Main.commandLine(a);
        CommandLine.ParseResult parsed = cl.parseArgs(a);
        return (CheckCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void theFormsCiUsesAreReadAsPicocliReadsThem() {
        for (List<String> args : TAKEN) {
            Optional<CheckCommand> quick = QuickCheckArguments.parse(args.toArray(String[]::new));
            assertTrue(quick.isPresent(), "not taken: " + args);
            CheckCommand expected = picocli(args);
            assertEquals(expected.paths, quick.get().paths, args.toString());
            assertEquals(expected.format, quick.get().format, args.toString());
            assertEquals(expected.output, quick.get().output, args.toString());
            assertEquals(expected.failOn, quick.get().failOn, args.toString());
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        for (List<String> args : LEFT_TO_PICOCLI) {
            assertEquals(Optional.empty(), QuickCheckArguments.parse(args.toArray(String[]::new)), args.toString());
        }
    }
}
