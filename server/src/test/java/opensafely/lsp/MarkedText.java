package opensafely.lsp;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * Fixture text with markers, as every rule and feature test writes it: {@code «} and {@code »} enclose an
 * expected range (ranges come out in position order), {@code ‸} marks the cursor. The markers are removed.
 *
 * @param cursor the cursor's position, or null when the text has none
 */
public record MarkedText(String text, List<Range> ranges, Position cursor) {
    public static MarkedText parse(String marked) {
        StringBuilder plain = new StringBuilder();
        List<int[]> spans = new ArrayList<>();
        List<Integer> open = new ArrayList<>();
        int cursorAt = -1;
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == '«') open.add(plain.length());
            else if (c == '»') spans.add(new int[] {open.remove(open.size() - 1), plain.length()});
            else if (c == '‸') cursorAt = plain.length();
            else plain.append(c);
        }
        String text = plain.toString();
        LineIndex lines = new LineIndex(text);
        List<Range> ranges = spans.stream()
                .sorted((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]))
                .map(s -> lines.range(s[0], s[1])).toList();
        return new MarkedText(text, ranges, cursorAt < 0 ? null : lines.position(cursorAt));
    }
}
