package opensafely.lsp.codelists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import opensafely.lsp.workspace.Excerpt;

/**
 * codelists.txt read as the OpenSAFELY CLI reads it: one codelist per line, whole-line {@code #} comments,
 * and the problems that make {@code opensafely codelists update} refuse the file, each on its line.
 *
 * <p>Stricter than the OpenSAFELY CLI in one way: each part of an id must look like an OpenCodelists slug or
 * version (letters, digits, '_', '-', '.', not starting with '.'). The id becomes a URL and a file name, so
 * {@code ../../etc/passwd}, {@code %2e%2e}, spaces, backslashes, control and bidi characters are refused on
 * their line, before any download or write. A byte order mark at the start of the file is not part of the id.
 */
public record CodelistsTxt(List<CodelistLine> codelists, List<Problem> problems) {
    public static final String FILE = "codelists.txt";

    /** A line OpenSAFELY rejects; {@code start}/{@code end} are columns on it. */
    public record Problem(Kind kind, int line, int start, int end, String message) {
        public enum Kind { FORMAT, DUPLICATE, CONFLICT }
    }

    public static CodelistsTxt parse(String text) {
        List<CodelistLine> out = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, CodelistLine> byKey = new LinkedHashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String raw = lines[n];
            // Python strips whitespace only; a BOM (from a Windows editor) is no part of the first id.
            String trimmed = (n == 0 && raw.startsWith("\uFEFF") ? raw.substring(1) : raw).strip();
            while (trimmed.endsWith("/")) trimmed = trimmed.substring(0, trimmed.length() - 1);
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            int start = raw.indexOf(trimmed.charAt(0));
            int end = start + trimmed.length();
            String[] tokens = trimmed.split("/", -1);
            if (tokens.length != 3 && tokens.length != 4 || anyEmpty(tokens)) {
                problems.add(new Problem(Problem.Kind.FORMAT, n, start, end, "'" + Excerpt.of(trimmed)
                        + "' is not a codelist: write organisation/codelist/version, or user/username/codelist/version,"
                        + " as in the codelist's OpenCodelists address."));
                continue;
            }
            String bad = badToken(tokens);
            if (bad != null) {
                problems.add(new Problem(Problem.Kind.FORMAT, n, start, end, "'" + Excerpt.of(trimmed) + "' is not a codelist: '"
                        + Excerpt.of(bad) + "' is not a name OpenCodelists uses (letters, digits, '-', '_' and '.', not starting"
                        + " with '.'); copy the id from the codelist's OpenCodelists address"
                        + (bad.contains("#") ? ", and note that a comment needs a line of its own." : ".")));
                continue;
            }
            String version = tokens[tokens.length - 1];
            String key = trimmed.substring(0, trimmed.length() - version.length() - 1);
            CodelistLine line = new CodelistLine(trimmed, key, version, n, start, end);
            CodelistLine earlier = byKey.get(key);
            if (earlier != null) {
                boolean same = earlier.version().equals(version);
                problems.add(new Problem(same ? Problem.Kind.DUPLICATE : Problem.Kind.CONFLICT, n, start, end, same
                        ? "'" + Excerpt.of(trimmed) + "' is listed already on line " + (earlier.line() + 1) + "; remove this line."
                        : "'" + key + "' is listed already on line " + (earlier.line() + 1) + " at version '" + earlier.version()
                                + "'; a study uses one version of a codelist, so keep one of the lines."));
                continue;
            }
            byKey.put(key, line);
            out.add(line);
        }
        return new CodelistsTxt(List.copyOf(out), List.copyOf(problems));
    }

    /** An OpenCodelists organisation, user, codelist slug or version id/tag. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    /** The first part of an id that cannot be an OpenCodelists name, or null. */
    private static String badToken(String[] tokens) {
        for (String t : tokens) {
            if (!TOKEN.matcher(t).matches()) return t;
        }
        return null;
    }

    private static boolean anyEmpty(String[] tokens) {
        for (String t : tokens) {
            if (t.isBlank()) return true;
        }
        return false;
    }
}
