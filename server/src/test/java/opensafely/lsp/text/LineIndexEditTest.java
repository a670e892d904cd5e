package opensafely.lsp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** An index updated for an edit equals the index built afresh, whatever the line breaks (LF, CR LF, CR). */
class LineIndexEditTest {

    @Test
    void editedIndexEqualsAFreshOne() {
        Random random = new Random(7);
        String[] pieces = {"a", "bc", " ", "\n", "\r\n", "\r", "key: value", ""};
        String text = "first\nsecond\r\nthird\rfourth\n";
        for (int i = 0; i < 5_000; i++) {
            int start = random.nextInt(text.length() + 1);
            int oldEnd = Math.min(text.length(), start + random.nextInt(4));
            String inserted = pieces[random.nextInt(pieces.length)];
            String next = text.substring(0, start) + inserted + text.substring(oldEnd);
            LineIndex edited = new LineIndex(text).edited(next, start, oldEnd, start + inserted.length());
            assertSameLines(new LineIndex(next), edited, next);
            text = next.length() > 400 ? "x\r\ny\n" : next;
        }
    }

    @Test
    void surrogatePairsAreIndexedAfresh() {
        String text = "a\nb\n";
        String next = "a\n\uD83D\uDE00b\n";
        LineIndex edited = new LineIndex(text).edited(next, 2, 2, 4);
        assertEquals(false, edited.bmpOnly());
        assertEquals(new Position(1, 2), edited.positionOfCodePoint(3)); // the b after the pair
    }

    private static void assertSameLines(LineIndex expected, LineIndex actual, String text) {
        assertEquals(expected.lineCount(), actual.lineCount(), text);
        for (int l = 0; l < expected.lineCount(); l++) {
            assertEquals(expected.lineStart(l), actual.lineStart(l), text + " line " + l);
        }
    }
}
