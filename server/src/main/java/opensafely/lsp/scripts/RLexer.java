package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits R source into the tokens {@link RParser} needs: names (backticked ones unquoted), strings (escapes and raw
 * strings decoded), numbers, operators and line breaks. Comments are dropped. One pass, never fails: a character it
 * does not know becomes an operator token of its own.
 */
final class RLexer {
    enum Kind {
        NAME,
        STRING,
        NUMBER,
        OP,
        NEWLINE,
        EOF
    }

    /** A token: {@code text} is the decoded value of a string, the name of a name, the operator as written. */
    record Token(Kind kind, String text, int start, int end) {
        boolean is(String op) {
            return kind == Kind.OP && text.equals(op);
        }
    }

    private static final String[] OPERATORS = {
        "<<-", "->>", ":=", "%%", "|>", "<-", "->", "<=", ">=", "==", "!=", "&&", "||", "::", "[[", "**", "\\(",
    };

    private RLexer() {}

    static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                out.add(new Token(Kind.NEWLINE, "\n", i, i + 1));
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u00a0' || c == '\uFEFF') {
                i++;
            } else if (c == '#') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if ((c == 'r' || c == 'R') && i + 2 < n && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\'')
                    && (i == 0 || !nameChar(s.charAt(i - 1)))) {
                i = rawString(s, i, out);
            } else if (c == '"' || c == '\'') {
                i = string(s, i, out);
            } else if (c == '`') {
                int j = s.indexOf('`', i + 1);
                int end = j < 0 ? n : j + 1;
                out.add(new Token(Kind.NAME, s.substring(i + 1, j < 0 ? n : j), i, end));
                i = end;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.'
                        || ((s.charAt(j) == '+' || s.charAt(j) == '-') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E')
                                && !s.startsWith("0x", i)))) {
                    j++;
                }
                out.add(new Token(Kind.NUMBER, s.substring(i, j), i, j));
                i = j;
            } else if (Character.isLetter(c) || c == '.' || c == '_') {
                int j = i;
                while (j < n && nameChar(s.charAt(j))) j++;
                out.add(new Token(Kind.NAME, s.substring(i, j), i, j));
                i = j;
            } else if (c == '%') {
                // %>%, %in%, %<>% and user operators: up to the closing % on the same line
                int j = i + 1;
                while (j < n && s.charAt(j) != '%' && s.charAt(j) != '\n') j++;
                int end = j < n && s.charAt(j) == '%' ? j + 1 : i + 1;
                out.add(new Token(Kind.OP, s.substring(i, end), i, end));
                i = end;
            } else {
                String op = String.valueOf(c);
                for (String o : OPERATORS) {
                    if (s.startsWith(o, i)) {
                        op = o;
                        break;
                    }
                }
                if (op.equals("::") && s.startsWith(":::", i)) op = ":::";
                out.add(new Token(Kind.OP, op, i, i + op.length()));
                i += op.length();
            }
        }
        out.add(new Token(Kind.EOF, "", n, n));
        return out;
    }

    static boolean nameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_';
    }

    private static int string(String s, int i, List<Token> out) {
        char quote = s.charAt(i);
        StringBuilder v = new StringBuilder();
        int j = i + 1;
        int n = s.length();
        while (j < n && s.charAt(j) != quote) {
            char c = s.charAt(j);
            if (c == '\\' && j + 1 < n) {
                char e = s.charAt(j + 1);
                j += 2;
                switch (e) {
                    case 'n' -> v.append('\n');
                    case 't' -> v.append('\t');
                    case 'r' -> v.append('\r');
                    case '0' -> v.append('\0');
                    case 'x', 'u', 'U' -> {
                        // a code we do not decode: keep a character that can never match a path
                        v.append('\uFFFD');
                        boolean brace = j < n && s.charAt(j) == '{';
                        while (j < n && (Character.digit(s.charAt(j), 16) >= 0 || (brace && (s.charAt(j) == '{' || s.charAt(j) == '}')))) {
                            j++;
                        }
                    }
                    default -> v.append(e);
                }
            } else {
                v.append(c);
                j++;
            }
        }
        int end = Math.min(n, j + 1);
        out.add(new Token(Kind.STRING, v.toString(), i, end));
        return end;
    }

    /** {@code r"(...)"}, {@code r"---[...]---"}: no escapes, closed by the matching bracket, dashes and quote. */
    private static int rawString(String s, int i, List<Token> out) {
        char quote = s.charAt(i + 1);
        int j = i + 2;
        int n = s.length();
        int dashes = 0;
        while (j < n && s.charAt(j) == '-') {
            dashes++;
            j++;
        }
        if (j >= n || "([{".indexOf(s.charAt(j)) < 0) {
            // not a raw string after all: `r` is a name followed by an ordinary string
            out.add(new Token(Kind.NAME, s.substring(i, i + 1), i, i + 1));
            return i + 1;
        }
        char close = switch (s.charAt(j)) {
            case '(' -> ')';
            case '[' -> ']';
            default -> '}';
        };
        String closing = close + "-".repeat(dashes) + quote;
        int bodyStart = j + 1;
        int k = s.indexOf(closing, bodyStart);
        int bodyEnd = k < 0 ? n : k;
        int end = k < 0 ? n : k + closing.length();
        out.add(new Token(Kind.STRING, s.substring(bodyStart, bodyEnd), i, end));
        return end;
    }
}
