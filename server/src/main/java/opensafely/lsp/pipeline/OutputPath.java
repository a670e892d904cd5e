package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The path rules OpenSAFELY applies to output patterns, reproducing the Python library semantics they
 * rely on: {@code pathlib} suffixes, {@code posixpath.normpath}, and Windows absolute paths.
 */
final class OutputPath {

    private static final Pattern WINDOWS_DRIVE_ROOT = Pattern.compile("^[A-Za-z]:[/\\\\].*");
    private static final Pattern UNC = Pattern.compile("^[/\\\\]{2}[^/\\\\]+[/\\\\]+[^/\\\\]+.*");

    private OutputPath() {
    }

    /** pathlib.PurePosixPath(path).suffix. */
    static String suffix(String path) {
        int end = lastComponentEnd(path);
        if (end < 0) return "";
        int start = path.lastIndexOf('/', end - 1) + 1;
        int dot = path.lastIndexOf('.', end - 1);
        if (dot <= start || dot == end - 1) return "";
        return path.substring(dot, end);
    }

    /** The last component after pathlib drops empty and "." components (and a trailing slash). */
    static String lastComponent(String path) {
        int end = lastComponentEnd(path);
        return end < 0 ? "" : path.substring(path.lastIndexOf('/', end - 1) + 1, end);
    }

    /**
     * Where the last component that pathlib keeps ends, or -1 when it keeps none. Scanned from the end
     * rather than split: this runs for every output path of every action, on every edit.
     */
    private static int lastComponentEnd(String path) {
        int end = path.length();
        while (end > 0) {
            int slash = path.lastIndexOf('/', end - 1);
            int start = slash + 1;
            if (end > start && !(end - start == 1 && path.charAt(start) == '.')) return end;
            if (slash < 0) break;
            end = slash;
        }
        return -1;
    }

    /** pathlib's string form: empty and "." components dropped (a leading "//" kept). */
    static String pathlibForm(String path) {
        if (path.isEmpty()) return ".";
        String prefix = path.startsWith("//") && !path.startsWith("///") ? "//" : path.startsWith("/") ? "/" : "";
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) parts.add(p);
        }
        String joined = String.join("/", parts);
        return prefix.isEmpty() && joined.isEmpty() ? "." : prefix + joined;
    }

    /** posixpath.normpath. */
    static String normpath(String path) {
        if (path.isEmpty()) return ".";
        int initialSlashes = path.startsWith("/") ? 1 : 0;
        if (path.startsWith("//") && !path.startsWith("///")) initialSlashes = 2;
        List<String> out = new ArrayList<>();
        for (String comp : path.split("/")) {
            if (comp.isEmpty() || comp.equals(".")) continue;
            if (!comp.equals("..") || (initialSlashes == 0 && out.isEmpty()) || (!out.isEmpty() && out.get(out.size() - 1).equals(".."))) {
                out.add(comp);
            } else if (!out.isEmpty()) {
                out.remove(out.size() - 1);
            }
        }
        String joined = "/".repeat(initialSlashes) + String.join("/", out);
        return joined.isEmpty() ? "." : joined;
    }

    static boolean isAbsolute(String path) {
        // The patterns can only match with a drive colon or a leading backslash, so most paths skip them.
        return path.startsWith("/")
                || path.length() > 2 && path.charAt(1) == ':' && WINDOWS_DRIVE_ROOT.matcher(path).matches()
                || path.startsWith("\\") && UNC.matcher(path).matches();
    }

    /**
     * Whether posixpath.normpath leaves the path as it is. A relative path of non-empty components other
     * than "." and ".." is normal, which is what nearly every output path is; anything else is normalised
     * to see.
     */
    static boolean isNormal(String path) {
        if (path.isEmpty() || path.charAt(0) == '/') return path.equals(normpath(path));
        int start = 0;
        while (true) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            int length = end - start;
            boolean dots = length == 1 && path.charAt(start) == '.'
                    || length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.';
            if (length == 0 || dots) return path.equals(normpath(path));
            if (slash < 0) return true;
            start = slash + 1;
        }
    }

    /**
     * The first path rule a pattern breaks, in upstream's order, or null when it is valid.
     *
     * @return the rule and the reason text
     */
    static Problem check(String path, PrivacyLevel level) {
        if (path.contains("\\")) return new Problem(Rule.BACKSLASH, "contains back slashes; use forward slashes only");
        if (path.contains("**")) return new Problem(Rule.WILDCARD, "contains '**'; only the * wildcard is supported");
        if (path.contains("?")) return new Problem(Rule.WILDCARD, "contains '?'; only the * wildcard is supported");
        if (path.contains("[")) return new Problem(Rule.WILDCARD, "contains '['; only the * wildcard is supported");
        String suffix = suffix(path);
        if (suffix.isEmpty() || suffix.endsWith("*")) {
            return new Problem(Rule.NO_EXTENSION, "must end in a file type extension such as .csv"
                    + (path.endsWith("*") ? " (a pattern may not end in *)" : ""));
        }
        if (level == PrivacyLevel.MODERATELY_SENSITIVE && !PrivacyLevel.LEVEL4_FILE_TYPES.contains(suffix)) {
            return new Problem(Rule.EXTENSION_NOT_ALLOWED, "is a '" + suffix + "' file, which cannot be moderately_sensitive; allowed are "
                    + String.join(" ", List.of(".csv", ".jpg", ".jpeg", ".png", ".svg", ".svgz", ".html", ".txt", ".log", ".json", ".md"))
                    + ". Label it highly_sensitive, or write one of these types");
        }
        if (!isNormal(path)) {
            return new Problem(Rule.NOT_NORMAL, "is not in standard form (no '//', '.' or '..' components, no trailing '/'); write '"
                    + normpath(path) + "'");
        }
        if (path.equals("metadata") || path.startsWith("metadata/")) {
            return new Problem(Rule.METADATA, "is in the metadata/ directory, which is reserved for job logs");
        }
        if (isAbsolute(path)) return new Problem(Rule.ABSOLUTE, "is an absolute path; paths are relative to the study folder");
        return null;
    }

    enum Rule { BACKSLASH, WILDCARD, NO_EXTENSION, EXTENSION_NOT_ALLOWED, NOT_NORMAL, METADATA, ABSOLUTE }

    record Problem(Rule rule, String reason) {
    }
}
