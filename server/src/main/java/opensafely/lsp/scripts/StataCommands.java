package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a do-file into commands: comments ({@code *}, {@code //}, {@code /* *}{@code /}) dropped, {@code ///}
 * continuations joined, {@code #delimit ;} followed, and each command cut into words (a string, with its quotes,
 * is one word; a parenthesised option is one word; a top-level comma is a word of its own). Every character keeps
 * its offset in the file, so words map back to precise ranges.
 */
final class StataCommands {
    /** A word of a command: {@code text} as written, {@code start}/{@code end} offsets in the file. */
    record Word(String text, int start, int end) {
        boolean quoted() {
            return text.startsWith("\"") || text.startsWith("`\"");
        }

        /** The text without its quotes. */
        String unquoted() {
            if (text.startsWith("`\"")) return text.substring(2, text.endsWith("\"'") ? text.length() - 2 : text.length());
            if (text.startsWith("\"")) return text.substring(1, text.endsWith("\"") && text.length() > 1 ? text.length() - 1 : text.length());
            return text;
        }
    }

    record Command(List<Word> words, int start, int end) {
        String word(int i) {
            return i < words.size() ? words.get(i).text() : "";
        }
    }

    private final String s;
    private final List<Command> out = new ArrayList<>();
    private final StringBuilder buf = new StringBuilder();
    private int[] offs = new int[64];
    private boolean semicolons;

    private StataCommands(String s) {
        this.s = s;
    }

    static List<Command> of(String text) {
        StataCommands c = new StataCommands(text);
        c.scan();
        return c.out;
    }

    private void put(char c, int at) {
        if (buf.length() == offs.length) offs = java.util.Arrays.copyOf(offs, offs.length * 2);
        offs[buf.length()] = at;
        buf.append(c);
    }

    private boolean bufferBlank() {
        for (int i = 0; i < buf.length(); i++) if (!Character.isWhitespace(buf.charAt(i))) return false;
        return true;
    }

    private static boolean spaceBefore(String s, int i) {
        return i == 0 || Character.isWhitespace(s.charAt(i - 1));
    }

    private void scan() {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && s.startsWith("/*", i)) {
                i = blockComment(i);
                put(' ', i - 1);
            } else if (c == '/' && s.startsWith("///", i) && spaceBefore(s, i)) {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1; // the next line continues this command
                put(' ', i - 1);
            } else if (c == '/' && s.startsWith("//", i) && spaceBefore(s, i)) {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (c == '#' && bufferBlank() && s.startsWith("#d", i)) {
                // #delimit is read to the end of its line whatever the delimiter
                int eol = s.indexOf('\n', i);
                int stop = eol < 0 ? n : eol;
                while (i < stop) put(s.charAt(i), i++);
                end();
            } else if (c == '*' && bufferBlank()) {
                i = starComment(i);
            } else if (c == '"' || (c == '`' && i + 1 < n && s.charAt(i + 1) == '"')) {
                i = string(i);
            } else if ((c == '\n' && !semicolons) || (c == ';' && semicolons)) {
                end();
                i++;
            } else if (c == '\r' || (c == '\n' && semicolons)) {
                put(' ', i);
                i++;
            } else {
                put(c, i);
                i++;
            }
        }
        end();
    }

    private int blockComment(int i) {
        int depth = 0;
        int n = s.length();
        while (i < n) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) return i;
            } else {
                i++;
            }
        }
        return n;
    }

    /** A {@code *} comment runs to the end of the line (to the {@code ;} under {@code #delimit ;}); {@code ///} continues it. */
    private int starComment(int i) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (semicolons ? c == ';' : c == '\n') {
                if (!semicolons && i >= 3 && s.startsWith("///", i - 3 - (s.charAt(i - 1) == '\r' ? 1 : 0))) {
                    i++;
                    continue;
                }
                return semicolons ? i + 1 : i;
            }
            i++;
        }
        return n;
    }

    /** A string, plain or compound (compound ones nest); it never runs past the end of the line. */
    private int string(int i) {
        int n = s.length();
        if (s.charAt(i) == '"') {
            put('"', i);
            int j = i + 1;
            while (j < n && s.charAt(j) != '"' && s.charAt(j) != '\n') put(s.charAt(j), j++);
            if (j < n && s.charAt(j) == '"') put('"', j++);
            return j;
        }
        int depth = 0;
        int j = i;
        while (j < n && s.charAt(j) != '\n') {
            if (s.startsWith("`\"", j)) {
                depth++;
                put('`', j);
                put('"', j + 1);
                j += 2;
            } else if (s.startsWith("\"'", j)) {
                depth--;
                put('"', j);
                put('\'', j + 1);
                j += 2;
                if (depth == 0) return j;
            } else {
                put(s.charAt(j), j++);
            }
        }
        return j;
    }

    private void end() {
        String text = buf.toString();
        String trimmed = text.trim();
        if (trimmed.startsWith("#d")) {
            String[] parts = trimmed.replace(";", " ;").split("\\s+");
            if (parts.length > 1 && (parts[0].equals("#delimit") || parts[0].equals("#d") || parts[0].startsWith("#delim"))) {
                semicolons = parts[1].startsWith(";");
            }
        } else if (!trimmed.isEmpty()) {
            List<Word> words = words(text);
            if (!words.isEmpty()) out.add(new Command(words, words.get(0).start(), words.get(words.size() - 1).end()));
        }
        buf.setLength(0);
    }

    private List<Word> words(String t) {
        List<Word> words = new ArrayList<>();
        int n = t.length();
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == ',' || c == '{' || c == '}') {
                words.add(word(t, i, i + 1));
                i++;
                continue;
            }
            int j = i;
            int depth = 0;
            while (j < n) {
                char d = t.charAt(j);
                if (d == '"') {
                    int close = t.indexOf('"', j + 1);
                    j = close < 0 ? n : close + 1;
                    continue;
                }
                if (d == '(') depth++;
                else if (d == ')') depth = Math.max(0, depth - 1);
                else if (depth == 0 && (Character.isWhitespace(d) || d == ',')) break;
                else if (depth == 0 && d == '{' && j + 1 < n && Character.isWhitespace(t.charAt(j + 1))) break;
                j++;
            }
            if (j == i) j++;
            words.add(word(t, i, j));
            i = j;
        }
        return words;
    }

    private Word word(String t, int from, int to) {
        return new Word(t.substring(from, to), offs[from], offs[to - 1] + 1);
    }
}
