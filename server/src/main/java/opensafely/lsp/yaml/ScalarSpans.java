package opensafely.lsp.yaml;

import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;

/**
 * Maps a span of a scalar's value back to the text, so a diagnostic can sit on one word of a
 * {@code run:} line rather than on the whole line. Exact for the common cases (a plain or quoted scalar
 * on one line without escapes); otherwise it searches the source for the span's text, and falls back to
 * the whole scalar when even that fails.
 */
public final class ScalarSpans {
    private final YamlScalar scalar;
    private final LineIndex lines;
    private final int sourceStart;
    private final String source;
    private final int contentShift; // offset of value[0] in source, or -1 when not a verbatim copy

    public ScalarSpans(YamlScalar scalar, LineIndex lines) {
        this.scalar = scalar;
        this.lines = lines;
        this.sourceStart = lines.offset(scalar.range().start());
        int end = lines.offset(scalar.range().end());
        this.source = lines.text().substring(sourceStart, Math.max(sourceStart, end));
        String v = scalar.value();
        int shift = -1;
        if (source.startsWith(v) && !source.isEmpty() && source.charAt(0) != '"' && source.charAt(0) != '\'') {
            shift = 0;
        } else if (source.length() >= 2 && (source.charAt(0) == '"' || source.charAt(0) == '\'')
                && source.startsWith(v, 1) && source.length() == v.length() + 2) {
            shift = 1;
        }
        this.contentShift = shift;
    }

    /** The text range of value[start, end). */
    public Range range(int start, int end) {
        if (contentShift >= 0) {
            return lines.range(sourceStart + contentShift + start, sourceStart + contentShift + end);
        }
        String piece = scalar.value().substring(Math.max(0, start), Math.min(end, scalar.value().length()));
        if (!piece.isEmpty()) {
            int at = source.indexOf(piece);
            if (at >= 0 && source.indexOf(piece, at + 1) < 0) {
                return lines.range(sourceStart + at, sourceStart + at + piece.length());
            }
        }
        return scalar.range();
    }

    /** Whether offsets map exactly (plain or simply quoted, on one line). */
    public boolean exact() {
        return contentShift >= 0;
    }

    /** The offset in the value of a text offset, or -1 when the mapping is not exact or it is outside. */
    public int valueOffset(int textOffset) {
        if (contentShift < 0) return -1;
        int o = textOffset - sourceStart - contentShift;
        return o >= 0 && o <= scalar.value().length() ? o : -1;
    }
}
