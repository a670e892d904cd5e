package opensafely.lsp.diagnostics;

import java.util.List;

/** A quick fix for a diagnostic: edits to the same document, offered under a title. */
public record Fix(String title, List<TextEdit> edits) {
    public static Fix replace(String title, opensafely.lsp.text.Range range, String newText) {
        return new Fix(title, List.of(new TextEdit(range, newText)));
    }
}
