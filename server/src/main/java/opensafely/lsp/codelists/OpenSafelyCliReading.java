package opensafely.lsp.codelists;

import java.util.regex.Pattern;

/**
 * Whether {@code opensafely codelists update} (the OpenSAFELY CLI) is sure to fail on a line of codelists.txt
 * that {@link CodelistsTxt} refuses. That decides the severity of the finding: an error when the OpenSAFELY CLI
 * fails too, a warning when it may accept the line (this tool is stricter: see {@link CodelistsTxt}).
 *
 * <p>The OpenSAFELY CLI splits the file with Python's {@code splitlines()}, strips each line with
 * {@code str.strip()}, drops trailing slashes, skips empty lines and {@code #} comments, and refuses a line that
 * is not 3 or 4 parts between slashes. Any other line is downloaded from
 * {@code https://www.opencodelists.org/codelist/<line>/download.csv}, which fails when no codelist can be at that
 * address: OpenCodelists organisations, users and codelists are slugs (letters, digits, '-', '_'); a version is a
 * hash or a free-text tag, so only what cannot reach the server intact rules one out (an empty part, '.' or '..',
 * which the HTTP library resolves away, '#' and '?', which end the path, control characters).
 */
final class OpenSafelyCliReading {
    /** The characters Python's {@code str.splitlines()} ends a line at, besides \r and \n. */
    private static final Pattern PYTHON_LINE_BREAKS = Pattern.compile("[\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029]");
    private static final Pattern SLUG = Pattern.compile("[-A-Za-z0-9_]+");
    private static final Pattern DOT_ESCAPE = Pattern.compile("%2[eE]");

    private OpenSafelyCliReading() {
    }

    /** Whether the OpenSAFELY CLI fails on this line of the file (one line as {@link CodelistsTxt} splits them). */
    static boolean fails(String line) {
        for (String pythonLine : PYTHON_LINE_BREAKS.split(line, -1)) {
            if (failsOnPythonLine(pythonLine)) return true;
        }
        return false;
    }

    private static boolean failsOnPythonLine(String raw) {
        String line = pythonStrip(raw);
        while (line.endsWith("/")) line = line.substring(0, line.length() - 1);
        if (line.isEmpty() || line.startsWith("#")) return false;
        String[] parts = line.split("/", -1);
        if (parts.length != 3 && parts.length != 4) return true; // "does not match [project]/[codelist]/[version]"
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.indexOf('#') >= 0 || part.indexOf('?') >= 0 || hasControl(part)) return true;
            String decoded = DOT_ESCAPE.matcher(part).replaceAll(".");
            if (decoded.equals(".") || decoded.equals("..")) return true;
            boolean version = i == parts.length - 1;
            if (!version && !SLUG.matcher(part).matches()) return true;
        }
        return false;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** Python's {@code str.strip()}: what {@code str.isspace()} calls whitespace, which Java's strip() does not all. */
    static String pythonStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && pythonSpace(s.charAt(start))) start++;
        while (end > start && pythonSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    private static boolean pythonSpace(char c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }
}
