package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line with POSIX shell rules, as Python's {@code shlex.split} does for the {@code run}
 * string: whitespace separates, single quotes are literal, double quotes allow backslash escapes, a
 * backslash outside quotes escapes the next character, and {@code #} is not a comment.
 */
final class Shlex {
    /** A token and where its source text starts and ends in the command line (quotes included). */
    record Word(String value, int start, int end) {
    }

    /** The tokens, or the reason Python's shlex would raise. */
    record Result(List<Word> words, String error, int errorOffset) {
        boolean ok() {
            return error == null;
        }
    }

    private Shlex() {
    }

    static Result split(String s) {
        List<Word> words = new ArrayList<>();
        StringBuilder cur = null;
        int start = -1;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (cur != null) {
                    words.add(new Word(cur.toString(), start, i));
                    cur = null;
                }
                i++;
                continue;
            }
            if (cur == null) {
                cur = new StringBuilder();
                start = i;
            }
            if (c == '\'') {
                int close = s.indexOf('\'', i + 1);
                if (close < 0) return new Result(words, "No closing quotation", i);
                cur.append(s, i + 1, close);
                i = close + 1;
            } else if (c == '"') {
                int j = i + 1;
                boolean closed = false;
                while (j < s.length()) {
                    char d = s.charAt(j);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && j + 1 < s.length() && "\\\"$`\n".indexOf(s.charAt(j + 1)) >= 0) {
                        cur.append(s.charAt(j + 1));
                        j += 2;
                        continue;
                    }
                    cur.append(d);
                    j++;
                }
                if (!closed) return new Result(words, "No closing quotation", i);
                i = j + 1;
            } else if (c == '\\') {
                if (i + 1 >= s.length()) return new Result(words, "No escaped character", i);
                char next = s.charAt(i + 1);
                if (next != '\n') cur.append(next);
                i += 2;
            } else {
                cur.append(c);
                i++;
            }
        }
        if (cur != null) {
            words.add(new Word(cur.toString(), start, s.length()));
        }
        return new Result(words, null, -1);
    }
}
