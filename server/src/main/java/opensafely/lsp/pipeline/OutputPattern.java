package opensafely.lsp.pipeline;

import java.util.regex.Pattern;

/**
 * A declared output path as job-runner matches it against the files a job wrote: {@code *} stands for any run of
 * characters except {@code /}; everything else is literal (validation rejects {@code **}, {@code ?} and {@code [}).
 * Paths are relative, with forward slashes.
 */
public record OutputPattern(String pattern) {
    public boolean matches(String relativePath) {
        return regex().matcher(relativePath).matches();
    }

    /** Whether the pattern names one file (no wildcard). */
    public boolean literal() {
        return pattern.indexOf('*') < 0;
    }

    private Pattern regex() {
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
            sb.append(Pattern.quote(pattern.substring(from, star))).append("[^/]*");
            from = star + 1;
        }
        return Pattern.compile(sb.append(Pattern.quote(pattern.substring(from))).toString());
    }
}
