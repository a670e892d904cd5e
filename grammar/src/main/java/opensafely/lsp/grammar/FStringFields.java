package opensafely.lsp.grammar;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the replacement fields ({@code {expression!r:spec}}) of an f-string token so their
 * expressions can be parsed with {@link PythonSource#parseExpression(String)}.
 *
 * <p>The lexer keeps an f-string as one STRING token; this scanner splits it afterwards. It follows
 * the pre-3.12 rules study code is written for: {@code {{}} and {@code }}} are literal braces,
 * the expression ends at a top-level {@code !}, {@code :} or {@code }}, brackets and quoted strings
 * inside it are skipped over, and a format spec may itself hold nested fields.
 */
public final class FStringFields {

    /**
     * One replacement field.
     *
     * @param expression the expression text, exactly as written (not trimmed)
     * @param offset     UTF-16 offset of {@code expression} within the token text
     */
    public record Field(String expression, int offset) {
    }

    private FStringFields() {
    }

    /** True when {@code tokenText} is a string literal whose prefix contains f or F. */
    public static boolean isFString(String tokenText) {
        return prefix(tokenText).toLowerCase(Locale.ROOT).contains("f");
    }

    /** The fields of an f-string token (empty for other strings), outer fields before nested ones. */
    public static List<Field> of(String tokenText) {
        List<Field> fields = new ArrayList<>();
        String prefix = prefix(tokenText);
        if (!prefix.toLowerCase(Locale.ROOT).contains("f")) {
            return fields;
        }
        int start = prefix.length();
        if (start >= tokenText.length()) {
            return fields;
        }
        char quote = tokenText.charAt(start);
        int quoteLength = tokenText.startsWith(String.valueOf(quote).repeat(3), start) ? 3 : 1;
        int bodyStart = start + quoteLength;
        int bodyEnd = tokenText.length();
        String closing = String.valueOf(quote).repeat(quoteLength);
        if (bodyEnd - quoteLength >= bodyStart && tokenText.endsWith(closing)) {
            bodyEnd -= quoteLength;
        }
        scanLiteral(tokenText, bodyStart, bodyEnd, fields);
        return fields;
    }

    private static String prefix(String tokenText) {
        int i = 0;
        while (i < tokenText.length() && i < 2 && Character.isLetter(tokenText.charAt(i))) {
            i++;
        }
        return tokenText.substring(0, i);
    }

    /** Literal text with fields in it; returns where it stopped (end, or a '}' closing a spec). */
    private static int scanLiteral(String s, int i, int end, List<Field> fields) {
        while (i < end) {
            char c = s.charAt(i);
            if (c == '{') {
                if (i + 1 < end && s.charAt(i + 1) == '{') {
                    i += 2;
                    continue;
                }
                i = scanField(s, i + 1, end, fields);
            } else if (c == '}') {
                if (i + 1 < end && s.charAt(i + 1) == '}') {
                    i += 2;
                    continue;
                }
                return i;
            } else {
                i++;
            }
        }
        return end;
    }

    /** From just after '{' to just after the matching '}'. */
    private static int scanField(String s, int i, int end, List<Field> fields) {
        int exprStart = i;
        int depth = 0;
        while (i < end) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(s, i, end);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == '}') {
                if (depth > 0) {
                    depth--;
                } else {
                    break;
                }
            } else if (depth == 0 && c == '!' && !(i + 1 < end && s.charAt(i + 1) == '=')) {
                break;
            } else if (depth == 0 && c == ':') {
                break;
            } else if (depth == 0 && c == '=' && isSelfDocumenting(s, i, end)) {
                break;
            }
            i++;
        }
        fields.add(new Field(s.substring(exprStart, i), exprStart));
        // Skip `=`, `!r`, then a format spec which may contain nested fields, up to the closing '}'.
        if (i < end && s.charAt(i) == '=') {
            i++;
        }
        if (i < end && s.charAt(i) == '!') {
            i = Math.min(end, i + 2);
        }
        if (i < end && s.charAt(i) == ':') {
            i = scanLiteral(s, i + 1, end, fields);
        }
        return i < end ? i + 1 : end;
    }

    /** `{x=}` / `{x = !r}`: an '=' that is not part of ==, !=, <=, >= and ends the expression. */
    private static boolean isSelfDocumenting(String s, int i, int end) {
        char before = i > 0 ? s.charAt(i - 1) : ' ';
        char after = i + 1 < end ? s.charAt(i + 1) : '}';
        if (after == '=' || before == '=' || before == '!' || before == '<' || before == '>') {
            return false;
        }
        int j = i + 1;
        while (j < end && s.charAt(j) == ' ') {
            j++;
        }
        return j >= end || s.charAt(j) == '}' || s.charAt(j) == '!' || s.charAt(j) == ':';
    }

    private static int skipString(String s, int i, int end) {
        char quote = s.charAt(i);
        boolean triple = s.startsWith(String.valueOf(quote).repeat(3), i);
        int j = i + (triple ? 3 : 1);
        while (j < end) {
            char c = s.charAt(j);
            if (c == '\\') {
                j += 2;
                continue;
            }
            if (c == quote && (!triple || s.startsWith(String.valueOf(quote).repeat(3), j))) {
                return j + (triple ? 3 : 1);
            }
            j++;
        }
        return end;
    }
}
