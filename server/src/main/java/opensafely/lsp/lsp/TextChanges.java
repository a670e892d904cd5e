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

    static String apply(String text, List<TextDocumentContentChangeEvent> changes) {
        for (TextDocumentContentChangeEvent change : changes) {
            String newText = change.getText() == null ? "" : change.getText();
            if (change.getRange() == null) {
                text = newText; // a full-text change is allowed even with incremental sync
                continue;
            }
            LineIndex index = new LineIndex(text);
            int start = index.offset(Protocol.position(change.getRange().getStart()));
            int end = index.offset(Protocol.position(change.getRange().getEnd()));
            if (end < start) {
                int t = start;
                start = end;
                end = t;
            }
            text = new StringBuilder(text.length() - (end - start) + newText.length())
                    .append(text, 0, start).append(newText).append(text, end, text.length()).toString();
        }
        return text;
    }
}
