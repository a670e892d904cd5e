package opensafely.lsp.pipeline;

/**
 * A declared output path as job-runner matches it against the files a job wrote: {@code *} stands for any run of
 * characters except {@code /}; everything else is literal (validation rejects {@code **}, {@code ?} and {@code [}).
 * Paths are relative, with forward slashes.
 */
public record OutputPattern(String pattern) {
    /**
     * Matched by hand, not by a compiled regex: `check` matches every file of a study against every pattern of a
     * project.yaml with a thousand actions, and compiling a regex per test was most of its time (issue #15).
     * A {@code *} never matches {@code /}, so the path and the pattern agree segment by segment.
     */
    public boolean matches(String relativePath) {
        int p = 0, t = 0;
        while (true) {
            int pEnd = pattern.indexOf('/', p), tEnd = relativePath.indexOf('/', t);
            if ((pEnd < 0) != (tEnd < 0)) return false;
            if (pEnd < 0) return segmentMatches(p, pattern.length(), relativePath, t, relativePath.length());
            if (!segmentMatches(p, pEnd, relativePath, t, tEnd)) return false;
            p = pEnd + 1;
            t = tEnd + 1;
        }
    }

    /** Whether pattern[p, pEnd) matches text[t, tEnd), neither holding a slash: a wildcard match with one backtrack point. */
    private boolean segmentMatches(int p, int pEnd, String text, int t, int tEnd) {
        int star = -1, mark = -1;
        while (t < tEnd) {
            if (p < pEnd && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (p < pEnd && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pEnd && pattern.charAt(p) == '*') p++;
        return p == pEnd;
    }

    /** Whether the pattern names one file (no wildcard). */
    public boolean literal() {
        return pattern.indexOf('*') < 0;
    }
}
