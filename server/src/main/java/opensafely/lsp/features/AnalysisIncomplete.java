package opensafely.lsp.features;

import java.time.Duration;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * The diagnostic an editor shows, at the top of the file, when the analysis of a document did not finish:
 * better than silently keeping the diagnostics of an older text, or showing none. A warning, never an
 * error: nothing is known to be wrong with the file.
 */
public final class AnalysisIncomplete {
    private AnalysisIncomplete() {
    }

    /** The analysis failed with this throwable (an internal error, or a limit of stack or memory). */
    public static Diagnostic failed(Throwable t) {
        return at("This file could not be fully analysed: " + reason(t)
                + " Problems in it may go unreported; if the file looks ordinary, please report it to the opensafely-lsp maintainers.");
    }

    /** The analysis was still running after {@code budget}. */
    public static Diagnostic timedOut(Duration budget) {
        return at("This file could not be fully analysed: the analysis was still running after " + budget.toSeconds()
                + " s. Problems in it may go unreported. Simplify the most unusual construct in the file, or report it to the opensafely-lsp maintainers.");
    }

    /** Too many analyses of other texts are still running past their time: this one was not started. */
    public static Diagnostic notStarted() {
        return at("This file was not analysed: several earlier analyses are still running past their time. Restart the language server.");
    }

    /** The file exceeds a bound on the work one file may cost; the message says which and what to do. */
    public static Diagnostic tooBig(String message) {
        return at(message);
    }

    /** In words a user can act on; never a stack trace. */
    public static String reason(Throwable t) {
        if (t instanceof StackOverflowError) {
            return "it nests expressions or collections too deeply for the analyser's stack (e.g. thousands of chained operators).";
        }
        if (t instanceof OutOfMemoryError) {
            return "the analysis ran out of memory.";
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
        if (message.length() > 200) message = message.substring(0, 200) + "…";
        return "an internal error occurred (" + t.getClass().getSimpleName() + message + ").";
    }

    private static Diagnostic at(String message) {
        return Diagnostic.of(Rule.ANALYSIS_INCOMPLETE, Range.at(new Position(0, 0)), message);
    }
}
