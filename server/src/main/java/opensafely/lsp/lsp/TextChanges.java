package opensafely.lsp.lsp;

import java.util.List;
import opensafely.lsp.text.LineIndex;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

/**
 * Applies the edits of a didChange notification, in order, to a document's text. Positions are UTF-16
 * code units (what the server announces), converted with {@link LineIndex}, which also clamps positions
 * past the end of a line or the text instead of failing.
 */
final class TextChanges {
    private TextChanges() {
    }

    /** A text after edits, with its line table. */
    record Edited(String text, LineIndex lines) {
    }

    static String apply(String text, List<TextDocumentContentChangeEvent> changes) {
        return apply(new LineIndex(text), changes).text();
    }

    /**
     * Applies the edits to the text of {@code lines}. The line table is updated edit by edit rather than
     * built afresh: this runs on the protocol thread for every keystroke, and a megabyte's table took
     * milliseconds that completion requests queued behind.
     */
    static Edited apply(LineIndex lines, List<TextDocumentContentChangeEvent> changes) {
        String text = lines.text();
        for (TextDocumentContentChangeEvent change : changes) {
            String newText = change.getText() == null ? "" : change.getText();
            if (change.getRange() == null) {
                text = newText; // a full-text change is allowed even with incremental sync
                lines = new LineIndex(text);
                continue;
            }
            int start = lines.offset(Protocol.position(change.getRange().getStart()));
            int end = lines.offset(Protocol.position(change.getRange().getEnd()));
            if (end < start) {
                int t = start;
                start = end;
                end = t;
            }
            text = new StringBuilder(text.length() - (end - start) + newText.length())
                    .append(text, 0, start).append(newText).append(text, end, text.length()).toString();
            lines = lines.edited(text, start, end, start + newText.length());
        }
        return new Edited(text, lines);
    }
}
