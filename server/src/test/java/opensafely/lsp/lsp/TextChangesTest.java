package opensafely.lsp.lsp;

import static opensafely.lsp.lsp.InJvmServer.edit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.Test;

class TextChangesTest {
    @Test
    void editsApplyInOrderEachAgainstTheTextLeftByThePrevious() {
        String text = "version: 4\nactions:\n";
        String out = TextChanges.apply(text, List.of(edit(0, 9, 0, 10, "5"), edit(1, 0, 1, 0, "# x\n")));
        assertEquals("version: 5\n# x\nactions:\n", out);
    }

    @Test
    void charactersAreUtf16UnitsSoAnEmojiCountsTwice() {
        assertEquals("a😀Zb", TextChanges.apply("a😀b", List.of(edit(0, 3, 0, 3, "Z"))));
    }

    @Test
    void crlfLineBreaksAreLineBreaks() {
        assertEquals("a\r\nXb\r\n", TextChanges.apply("a\r\nb\r\n", List.of(edit(1, 0, 1, 0, "X"))));
    }

    @Test
    void aDeletionAcrossLinesAndAnInsertionAtTheVeryEnd() {
        assertEquals("a\nd", TextChanges.apply("a\nb\nc\nd", List.of(edit(1, 0, 3, 0, ""))));
        assertEquals("a\nb\n", TextChanges.apply("a\nb", List.of(edit(1, 1, 1, 1, "\n"))));
    }

    @Test
    void aChangeWithoutRangeReplacesEverything() {
        assertEquals("new", TextChanges.apply("old\ntext", List.of(new TextDocumentContentChangeEvent("new"))));
    }

    @Test
    void positionsPastTheEndAreClampedRatherThanFailing() {
        assertEquals("ab!", TextChanges.apply("ab", List.of(edit(0, 99, 7, 3, "!"))));
    }
}
