package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a satisfying / categorised_as expression the way cohort-extractor's tokenizer sees it: names,
 * numbers, quoted strings, operators and parentheses; comments and whitespace dropped. Offsets are into the
 * expression string.
 */
final class ExpressionTokens {
    enum Kind { NAME, NUMBER, STRING, OPERATOR, LPAREN, RPAREN, BAD }

    record Token(Kind kind, String text, int start, int end) {
    }

    private ExpressionTokens() {
    }

    static List<Token> of(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-'
                    || c == '#' && (i + 1 >= s.length() || Character.isWhitespace(s.charAt(i + 1)))) {
                // sqlparse reads `-- ...` and `# ...` as line comments.
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                out.add(new Token(Kind.NAME, s.substring(i, j), i, j));
                i = j;
            } else if (Character.isDigit(c) || c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                int j = i + 1;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) j++;
                if (j < s.length() && (Character.isLetter(s.charAt(j)) || s.charAt(j) == '_')) {
                    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                    out.add(new Token(Kind.BAD, s.substring(i, j), i, j));
                } else {
                    out.add(new Token(Kind.NUMBER, s.substring(i, j), i, j));
                }
                i = j;
            } else if (c == '\'' || c == '"') {
                int j = s.indexOf(c, i + 1);
                int end = j < 0 ? s.length() : j + 1;
                out.add(new Token(j < 0 ? Kind.BAD : Kind.STRING, s.substring(i, end), i, end));
                i = end;
            } else if (c == '(') {
                out.add(new Token(Kind.LPAREN, "(", i, i + 1));
                i++;
            } else if (c == ')') {
                out.add(new Token(Kind.RPAREN, ")", i, i + 1));
                i++;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals(">=") || two.equals("<=") || two.equals("!=")) {
                    out.add(new Token(Kind.OPERATOR, two, i, i + 2));
                    i += 2;
                } else if (two.equals("==") || two.equals("<>") || two.equals("||")) {
                    out.add(new Token(Kind.BAD, two, i, i + 2));
                    i += 2;
                } else if ("=<>+-*/".indexOf(c) >= 0) {
                    out.add(new Token(Kind.OPERATOR, String.valueOf(c), i, i + 1));
                    i++;
                } else {
                    out.add(new Token(Kind.BAD, String.valueOf(c), i, i + 1));
                    i++;
                }
            }
        }
        return out;
    }
}
