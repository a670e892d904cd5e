package opensafely.lsp.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Bad usage in one line that says what is wrong and where the help is (exit code 2). */
final class UsageErrors {
    private UsageErrors() {
    }

    static String oneLine(ParameterException ex) {
        CommandLine at = ex.getCommandLine();
        String command = at.getCommandSpec().qualifiedName();
        String help = " (see `" + command + " --help`)";
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (at.getParent() == null && !first.startsWith("-")) {
                List<String> names = List.copyOf(at.getSubcommands().keySet());
                return command + ": unknown command '" + first + "'; the commands are " + String.join(", ", names) + help + ".";
            }
            if (first.startsWith("-")) {
                return command + ": unknown option '" + first + "'" + help + ".";
            }
            return command + ": unexpected argument '" + first + "'" + help + ".";
        }
        String message = ex.getMessage() == null ? "bad usage" : ex.getMessage().replaceAll("\\s*\\R\\s*", " ").trim();
        return command + ": " + message + help + ".";
    }
}
