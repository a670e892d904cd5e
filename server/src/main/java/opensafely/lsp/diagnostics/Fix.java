package opensafely.lsp.diagnostics;

import java.util.List;

/**
 * A quick fix for a diagnostic, offered under a title: edits to the same document, or a command the server
 * runs (downloading the codelists a rule found missing, say), or both.
 */
public record Fix(String title, List<TextEdit> edits, Command command) {
    /** A server command by its id (one of those the language server announces) with its string arguments. */
    public record Command(String id, List<String> arguments) {
    }

    /** The command that downloads a study's codelists; its argument names the study folder. */
    public static final String UPDATE_CODELISTS = "opensafely.codelists.update";

    /** The command that writes dummy data for a study definition; its argument names the file. */
    public static final String GENERATE_DUMMY_DATA = "opensafely.dummyData.generate";

    public Fix(String title, List<TextEdit> edits) {
        this(title, edits, null);
    }

    public static Fix replace(String title, opensafely.lsp.text.Range range, String newText) {
        return new Fix(title, List.of(new TextEdit(range, newText)));
    }

    public static Fix run(String title, String commandId, List<String> arguments) {
        return new Fix(title, List.of(), new Command(commandId, List.copyOf(arguments)));
    }
}
