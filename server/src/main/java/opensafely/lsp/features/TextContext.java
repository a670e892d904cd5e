package opensafely.lsp.features;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;

/**
 * Where the cursor is in a YAML text, read from the text alone, so that it works while the file does not
 * parse (an unclosed {@code [}, a key without its colon): the shape of the current line, and the chain of
 * parent keys found by walking up to lines of smaller indentation.
 */
final class TextContext {

    /** The parts of one line: an optional {@code - } item marker, an optional key, and where the value starts. */
    record Shape(int indent, boolean item, int contentStart, String key, int keyStart, int keyEnd, int colon,
                 boolean blank, boolean comment) {
        boolean hasKey() {
            return key != null;
        }

        /** Column where the value after {@code key:} starts (after one run of spaces). */
        int valueStart(String text) {
            int i = colon + 1;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
            return i;
        }
    }

    final LineIndex lines;
    final int line;
    final int col;
    final String text;
    final Shape shape;
    /** Parent keys, outermost first. */
    final List<String> parents;
    /** The line of each parent key. */
    final List<Integer> parentLines;

    private TextContext(LineIndex lines, int line, int col, String text, Shape shape, List<String> parents, List<Integer> parentLines) {
        this.lines = lines;
        this.line = line;
        this.col = col;
        this.text = text;
        this.shape = shape;
        this.parents = parents;
        this.parentLines = parentLines;
    }

    static TextContext at(LineIndex lines, Position pos) {
        int line = Math.max(0, Math.min(pos.line(), lines.lineCount() - 1));
        String text = lines.lineText(line);
        int col = Math.max(0, Math.min(pos.character(), text.length()));
        Shape shape = shape(text);
        // A blank line's indentation is where the user put the cursor.
        int indent = shape.blank ? col : shape.indent;
        int threshold = shape.item ? indent + 1 : indent;
        List<String> parents = new ArrayList<>();
        List<Integer> parentLines = new ArrayList<>();
        String all = lines.text();
        for (int l = line - 1; l >= 0 && threshold > 0; l--) {
            int start = lines.lineStart(l);
            int end = lines.lineEnd(l);
            int i = start;
            while (i < end && all.charAt(i) == ' ') i++;
            if (i == end || all.charAt(i) == '#') continue; // blank or comment
            int ind = i - start;
            if (ind >= threshold) continue;
            Shape s = shape(all.substring(start, end));
            if (shape.item && s.item && ind == indent && !s.hasKey()) continue; // a sibling list item
            if (s.hasKey()) {
                parents.add(s.key);
                parentLines.add(l);
                threshold = ind;
            }
        }
        Collections.reverse(parents);
        Collections.reverse(parentLines);
        return new TextContext(lines, line, col, text, shape, parents, parentLines);
    }

    static int indentOf(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) == ' ') i++;
        return i;
    }

    static Shape shape(String t) {
        int n = t.length();
        int i = indentOf(t);
        int indent = i;
        if (i == n) return new Shape(indent, false, i, null, -1, -1, -1, true, false);
        if (t.charAt(i) == '#') return new Shape(indent, false, i, null, -1, -1, -1, false, true);
        boolean item = false;
        if (t.charAt(i) == '-' && (i + 1 == n || t.charAt(i + 1) == ' ')) {
            item = true;
            i++;
            while (i < n && t.charAt(i) == ' ') i++;
        }
        int content = i;
        if (i < n) {
            char c = t.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n) {
                    char d = t.charAt(j);
                    if (c == '"' && d == '\\') {
                        j += 2;
                        continue;
                    }
                    if (d == c) {
                        if (c == '\'' && j + 1 < n && t.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                if (j < n) {
                    int k = j + 1;
                    while (k < n && t.charAt(k) == ' ') k++;
                    if (k < n && t.charAt(k) == ':' && (k + 1 == n || t.charAt(k + 1) == ' ' || t.charAt(k + 1) == '\t')) {
                        return new Shape(indent, item, content, t.substring(i + 1, j), i + 1, j, k, false, false);
                    }
                }
            } else if (c != '[' && c != '{' && c != '#') {
                for (int k = i; k < n; k++) {
                    char d = t.charAt(k);
                    if (d == '#' && k > i && (t.charAt(k - 1) == ' ' || t.charAt(k - 1) == '\t')) break;
                    if (d == ':' && (k + 1 == n || t.charAt(k + 1) == ' ' || t.charAt(k + 1) == '\t')) {
                        int e = k;
                        while (e > i && t.charAt(e - 1) == ' ') e--;
                        if (e == i) break;
                        return new Shape(indent, item, content, t.substring(i, e), i, e, k, false, false);
                    }
                }
            }
        }
        return new Shape(indent, item, content, null, -1, -1, -1, false, false);
    }

    /** Whether the cursor is after the colon of this line's key. */
    boolean inValue() {
        return shape.hasKey() && col > shape.colon;
    }

    /** Whether the cursor is in a comment. */
    boolean inComment() {
        if (shape.comment) return true;
        boolean single = false, dbl = false;
        for (int i = 0; i < col; i++) {
            char c = text.charAt(i);
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
            else if (c == '#' && !single && !dbl && (i == 0 || text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) return true;
        }
        return false;
    }

    String lastParent() {
        return parents.isEmpty() ? null : parents.get(parents.size() - 1);
    }

    /** Start column of the word ending at the cursor, where a word stops at any of {@code stops} or whitespace. */
    int wordStart(String stops) {
        int i = col;
        while (i > 0) {
            char c = text.charAt(i - 1);
            if (c == ' ' || c == '\t' || stops.indexOf(c) >= 0) break;
            i--;
        }
        return i;
    }

    Position position(int column) {
        return new Position(line, column);
    }

    /**
     * The keys of the mapping the cursor's line belongs to: lines at the same indentation within the block
     * of the innermost parent (the current line excluded).
     */
    List<String> siblingKeys() {
        int indent = shape.blank ? col : shape.indent;
        int from;
        int parentIndent;
        if (parentLines.isEmpty()) {
            from = 0;
            parentIndent = -1;
        } else {
            from = parentLines.get(parentLines.size() - 1) + 1;
            parentIndent = indentOf(lines.lineText(from - 1));
        }
        List<String> out = new ArrayList<>();
        String all = lines.text();
        for (int l = from; l < lines.lineCount(); l++) {
            int start = lines.lineStart(l);
            int end = lines.lineEnd(l);
            int i = start;
            while (i < end && all.charAt(i) == ' ') i++;
            if (i == end || all.charAt(i) == '#') continue;
            int ind = i - start;
            if (ind <= parentIndent) break;
            if (ind != indent || l == line) continue;
            Shape s = shape(all.substring(start, end));
            if (s.hasKey() && !s.item) out.add(s.key);
        }
        return out;
    }
}
