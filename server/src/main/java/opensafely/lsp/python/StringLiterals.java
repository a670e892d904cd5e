package opensafely.lsp.python;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import opensafely.lsp.grammar.PythonSource;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Number and string literals: their values (escapes decoded, implicit concatenation joined) and the fields of
 * f-strings, each parsed as an expression of its own at its place in the file. What is not decoded here (bytes,
 * {@code \N{...}}) leaves the value unknown.
 */
final class StringLiterals extends TreeReader {
    StringLiterals(int base) {
        super(base);
    }

    static Py.Expr number(String text, int st, int en) {
        String t = text.replace("_", "").toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("j")) return new Py.Other(st, en);
            if (t.startsWith("0x")) return new Py.Num(Long.parseLong(t.substring(2), 16), true, st, en);
            if (t.startsWith("0o")) return new Py.Num(Long.parseLong(t.substring(2), 8), true, st, en);
            if (t.startsWith("0b")) return new Py.Num(Long.parseLong(t.substring(2), 2), true, st, en);
            boolean integer = !(t.contains(".") || t.contains("e"));
            return new Py.Num(Double.parseDouble(t), integer, st, en);
        } catch (NumberFormatException e) {
            return new Py.Other(st, en);
        }
    }

    Py.Expr string(List<TerminalNode> tokens, int st, int en) {
        StringBuilder value = new StringBuilder();
        List<Py.FPart> parts = null;
        int contentStart = -1;
        boolean known = true;
        for (TerminalNode tok : tokens) {
            String text = tok.getText();
            int p = 0;
            while (p < text.length() && p < 3 && Character.isLetter(text.charAt(p))) p++;
            String prefix = text.substring(0, p).toLowerCase(Locale.ROOT);
            if (p >= text.length()) {
                known = false;
                continue;
            }
            char q = text.charAt(p);
            int ql = text.startsWith(String.valueOf(q).repeat(3), p) ? 3 : 1;
            int bodyStart = p + ql;
            int bodyEnd = text.length() - ql;
            if (bodyEnd < bodyStart || !text.endsWith(String.valueOf(q).repeat(ql))) {
                bodyEnd = text.length();
            }
            String body = text.substring(bodyStart, bodyEnd);
            boolean raw = prefix.contains("r");
            if (prefix.contains("b")) known = false;
            if (prefix.contains("f")) {
                if (parts == null) {
                    parts = new ArrayList<>();
                    if (value.length() > 0) parts.add(new Py.FPart(value.toString(), null));
                }
                fParts(body, raw, start(tok) + bodyStart, parts);
                continue;
            }
            String decoded = raw ? body : unescape(body);
            if (decoded == null) {
                known = false;
                continue;
            }
            if (tokens.size() == 1 && decoded.equals(body)) contentStart = start(tok) + bodyStart;
            if (parts != null) parts.add(new Py.FPart(decoded, null));
            else value.append(decoded);
        }
        if (parts != null) return new Py.Str(null, parts, -1, st, en);
        return new Py.Str(known ? value.toString() : null, null, contentStart, st, en);
    }

    /** Splits an f-string body into literal text and parsed replacement fields. */
    private void fParts(String body, boolean raw, int bodyOffset, List<Py.FPart> parts) {
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '{' && i + 1 < body.length() && body.charAt(i + 1) == '{') {
                lit.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                int depth = 0, j = i + 1, exprEnd = -1;
                while (j < body.length()) {
                    char d = body.charAt(j);
                    if (d == '\'' || d == '"') {
                        int k = body.indexOf(d, j + 1);
                        j = k < 0 ? body.length() : k + 1;
                        continue;
                    }
                    if (d == '(' || d == '[' || d == '{') depth++;
                    else if ((d == ')' || d == ']') && depth > 0) depth--;
                    else if (d == '}' && depth > 0) depth--;
                    else if (d == '}' || (depth == 0 && (d == '!' || d == ':') && !(d == '!' && j + 1 < body.length() && body.charAt(j + 1) == '='))) {
                        if (exprEnd < 0) exprEnd = j;
                        if (d == '}') break;
                    }
                    j++;
                }
                if (exprEnd < 0) exprEnd = j;
                if (lit.length() > 0) {
                    parts.add(new Py.FPart(raw ? lit.toString() : orSelf(unescape(lit.toString()), lit.toString()), null));
                    lit.setLength(0);
                }
                boolean plain = exprEnd < body.length() && body.charAt(exprEnd) == '}';
                String exprText = body.substring(i + 1, exprEnd);
                Py.Expr field = null;
                if (plain && !exprText.isBlank()) {
                    PythonSource.ParsedExpression pe = PythonSource.parseExpression(exprText);
                    if (pe.errors().isEmpty() && pe.tree().testlist() != null) {
                        field = new ExpressionBuilder(bodyOffset + i + 1).testlist(pe.tree().testlist());
                    }
                }
                parts.add(new Py.FPart(null, field));
                i = Math.min(body.length(), j + 1);
            } else {
                lit.append(c);
                i++;
            }
        }
        if (lit.length() > 0) parts.add(new Py.FPart(raw ? lit.toString() : orSelf(unescape(lit.toString()), lit.toString()), null));
    }

    private static String orSelf(String a, String b) {
        return a != null ? a : b;
    }

    /** Python string escapes; null for ones not handled here (\N{...}, octal...). */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '\\' -> b.append('\\');
                case '\'' -> b.append('\'');
                case '"' -> b.append('"');
                case '\n' -> {
                }
                case 'x' -> {
                    if (i + 2 >= s.length()) return null;
                    try {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    i += 2;
                }
                default -> {
                    if (Character.isDigit(n) || n == 'N' || n == 'u' || n == 'U') return null;
                    b.append('\\').append(n);
                }
            }
        }
        return b.toString();
    }
}
