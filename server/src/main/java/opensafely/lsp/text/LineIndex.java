package opensafely.lsp.text;

import java.util.Arrays;

/**
 * Converts between offsets in a text and LSP positions.
 *
 * <p>Two offset units meet here: parsers such as snakeyaml-engine count code points, LSP counts UTF-16
 * code units. Most files have no characters outside the BMP, so the table of surrogate pairs is usually
 * empty and the conversion is the identity.
 */
public final class LineIndex {
    private final String text;
    private final int[] lineStarts; // UTF-16 offsets at which each line starts
    private final int[] astralStarts; // UTF-16 offsets of the high surrogates of surrogate pairs

    public LineIndex(String text) {
        this.text = text;
        // Most texts have neither CR nor characters outside the BMP: find the LFs with indexOf, which the
        // JVM runs as one vector loop even before it has compiled this code (check's cold start).
        if (text.indexOf('\r') < 0 && text.codePointCount(0, text.length()) == text.length()) {
            int[] starts = new int[Math.max(16, text.length() / 32)];
            int lines = 1;
            for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
                if (lines == starts.length) starts = Arrays.copyOf(starts, lines * 2);
                starts[lines++] = i + 1;
            }
            this.lineStarts = Arrays.copyOf(starts, lines);
            this.astralStarts = new int[0];
            return;
        }
        int[] starts = new int[16];
        int lines = 1;
        int[] astral = new int[0];
        int astralCount = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean newline = false;
            if (c == '\n') {
                newline = true;
            } else if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                newline = true;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (astralCount == astral.length) {
                    astral = Arrays.copyOf(astral, Math.max(8, astralCount * 2));
                }
                astral[astralCount++] = i;
                i++;
            }
            if (newline) {
                if (lines == starts.length) {
                    starts = Arrays.copyOf(starts, lines * 2);
                }
                starts[lines++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, lines);
        this.astralStarts = Arrays.copyOf(astral, astralCount);
    }

    /**
     * The index of {@code newText}, made from this text by replacing {@code [start, oldEnd)} with
     * {@code newText[start, newEnd)}: only line breaks in the replaced part are looked for, the rest are
     * shifted. Whether an offset starts a line depends on the character before it and, for CR LF, on the
     * one at it, so starts up to the one before {@code start} are kept and those past {@code oldEnd} moved.
     */
    public LineIndex edited(String newText, int start, int oldEnd, int newEnd) {
        if (!bmpOnly() || start < 0 || oldEnd > text.length() || newEnd > newText.length()
                || newText.length() - newEnd != text.length() - oldEnd) {
            return new LineIndex(newText);
        }
        for (int i = start; i < newEnd; i++) {
            if (Character.isSurrogate(newText.charAt(i))) return new LineIndex(newText);
        }
        int delta = newEnd - oldEnd;
        int keep = 1; // line 0 starts at 0 whatever the edit
        while (keep < lineStarts.length && lineStarts[keep] < start) keep++;
        int after = keep;
        while (after < lineStarts.length && lineStarts[after] <= oldEnd) after++;
        int[] starts = new int[keep + (newEnd - start + 2) + (lineStarts.length - after)];
        System.arraycopy(lineStarts, 0, starts, 0, keep);
        int n = keep;
        for (int x = Math.max(start, 1); x <= newEnd; x++) {
            if (startsLine(newText, x)) starts[n++] = x;
        }
        for (int i = after; i < lineStarts.length; i++) {
            starts[n++] = lineStarts[i] + delta;
        }
        return new LineIndex(newText, Arrays.copyOf(starts, n), new int[0]);
    }

    private static boolean startsLine(String t, int x) {
        if (x <= 0 || x > t.length()) return false;
        char before = t.charAt(x - 1);
        return before == '\n' || (before == '\r' && (x == t.length() || t.charAt(x) != '\n'));
    }

    private LineIndex(String text, int[] lineStarts, int[] astralStarts) {
        this.text = text;
        this.lineStarts = lineStarts;
        this.astralStarts = astralStarts;
    }

    public String text() {
        return text;
    }

    /** Whether every character is in the Basic Multilingual Plane, so code points and UTF-16 units agree. */
    public boolean bmpOnly() {
        return astralStarts.length == 0;
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** UTF-16 offset of the start of a line (clamped). */
    public int lineStart(int line) {
        if (line < 0) return 0;
        if (line >= lineStarts.length) return text.length();
        return lineStarts[line];
    }

    /** UTF-16 offset just past the last character of a line, before its line break. */
    public int lineEnd(int line) {
        if (line < 0) return 0;
        int end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
        while (end > lineStart(line) && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return end;
    }

    public String lineText(int line) {
        return text.substring(lineStart(line), lineEnd(line));
    }

    /** The position of a UTF-16 offset. */
    public Position position(int offset) {
        offset = Math.max(0, Math.min(offset, text.length()));
        int line = Arrays.binarySearch(lineStarts, offset);
        if (line < 0) {
            line = -line - 2;
        }
        return new Position(line, offset - lineStarts[line]);
    }

    /** The UTF-16 offset of a position (clamped to the line and the text). */
    public int offset(Position p) {
        if (p.line() >= lineStarts.length) return text.length();
        int start = lineStart(p.line());
        return Math.min(start + Math.max(0, p.character()), lineEnd(p.line()));
    }

    /** The UTF-16 offset of a code-point offset. */
    public int utf16Offset(int codePointOffset) {
        if (astralStarts.length == 0) {
            return Math.min(codePointOffset, text.length());
        }
        // Every surrogate pair before the target adds one UTF-16 unit; the k-th pair starts at
        // UTF-16 offset astralStarts[k], i.e. code point offset astralStarts[k] - k.
        int lo = 0, hi = astralStarts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (astralStarts[mid] - mid < codePointOffset) lo = mid + 1;
            else hi = mid;
        }
        return Math.min(codePointOffset + lo, text.length());
    }

    public Position positionOfCodePoint(int codePointOffset) {
        return position(utf16Offset(codePointOffset));
    }

    public Range range(int startOffset, int endOffset) {
        return new Range(position(startOffset), position(endOffset));
    }
}
