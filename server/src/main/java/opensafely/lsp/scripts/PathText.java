package opensafely.lsp.scripts;

import java.util.List;

/**
 * Paths as strings relative to the study folder (where jobs run: {@code /workspace} in the job's container), with
 * {@code *} for unknown parts, and the string formatting scripts build them with ({@code %}, {@code str.format}).
 */
final class PathText {
    /** The folder job-runner runs a job in: an absolute path under it is a study path. */
    static final String WORKSPACE = "/workspace";

    private PathText() {
    }

    /** {@code os.path.join(a, b)} / {@code Path(a) / b}: an absolute second part replaces the first. */
    static String join(String a, String b) {
        if (b.startsWith("/")) return b;
        if (a.isEmpty() || a.equals(".")) return b;
        return a.endsWith("/") ? a + b : a + "/" + b;
    }

    /** {@code os.path.dirname} / {@code Path.parent}; null where it would leave the study folder ("" has no parent we know). */
    static String parent(String p) {
        String n = normalise(p);
        if (n == null || n.isEmpty()) return null;
        int slash = n.lastIndexOf('/');
        return slash < 0 ? "" : n.substring(0, slash);
    }

    /**
     * The study-relative form of a path: {@code ./} and {@code .} parts dropped, {@code ..} applied, doubled slashes
     * collapsed, {@code /workspace/...} made relative. Null for a path outside the study (absolute elsewhere, or
     * above its folder); "" for the study folder itself.
     */
    static String normalise(String p) {
        String s = p;
        if (s.equals(WORKSPACE)) s = "";
        else if (s.startsWith(WORKSPACE + "/")) s = s.substring(WORKSPACE.length() + 1);
        if (s.startsWith("/")) return null;
        return PathValues.resolveDots(s, PyValue.HOLE);
    }

    /**
     * Whether enough of a path is known for the rules to use it: not empty, and its first folder does not start with an
     * unknown part, which could stand for any folder (even one outside the study).
     */
    static boolean usable(String normalised) {
        return normalised != null && !normalised.isEmpty() && normalised.charAt(0) != PyValue.HOLE;
    }

    /** {@code "fmt" % args}: {@code %s}, {@code %d}, {@code %i}, {@code %(name)s} filled from known strings, others a hole. */
    static String percent(String fmt, List<String> positional, java.util.Map<String, String> named) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                out.append(c);
                continue;
            }
            if (fmt.charAt(i + 1) == '%') {
                out.append('%');
                i++;
                continue;
            }
            int j = i + 1;
            String key = null;
            if (fmt.charAt(j) == '(') {
                int close = fmt.indexOf(')', j);
                if (close < 0) return null;
                key = fmt.substring(j + 1, close);
                j = close + 1;
            }
            while (j < fmt.length() && "#0- +.0123456789".indexOf(fmt.charAt(j)) >= 0) j++;
            if (j >= fmt.length()) return null;
            char conv = fmt.charAt(j);
            String value = key != null ? (named == null ? null : named.get(key)) : next < positional.size() ? positional.get(next++) : null;
            boolean plain = j == i + 1 || (key != null && j == fmt.indexOf(')', i) + 1);
            out.append(value != null && plain && "sdi".indexOf(conv) >= 0 ? value : String.valueOf(PyValue.HOLE));
            i = j;
        }
        return out.toString();
    }

    /** {@code "fmt".format(...)}: {@code {}}, {@code {0}}, {@code {name}} from known strings; a field with a format spec is a hole. */
    static String format(String fmt, List<String> positional, java.util.Map<String, String> named) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
                out.append('{');
                i++;
            } else if (c == '}' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
                out.append('}');
                i++;
            } else if (c == '{') {
                int close = fmt.indexOf('}', i);
                if (close < 0) return null;
                String field = fmt.substring(i + 1, close);
                String value = null;
                if (field.isEmpty()) value = auto < positional.size() ? positional.get(auto++) : null;
                else if (field.chars().allMatch(Character::isDigit)) {
                    int n = Integer.parseInt(field.length() > 6 ? "999999" : field);
                    value = n < positional.size() ? positional.get(n) : null;
                } else if (named != null && field.matches("[A-Za-z_][A-Za-z0-9_]*")) value = named.get(field);
                out.append(value != null ? value : String.valueOf(PyValue.HOLE));
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
