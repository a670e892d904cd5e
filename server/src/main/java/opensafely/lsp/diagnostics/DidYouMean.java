package opensafely.lsp.diagnostics;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known name closest to a mistyped one, for "did you mean" messages and quick fixes. */
public final class DidYouMean {
    private DidYouMean() {
    }

    /**
     * The closest candidate within a distance that scales with the length of the word (a third of it,
     * at least 1, at most 3), or empty when nothing is close enough to be a plausible typo. Of equally
     * close candidates the first wins.
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        if (word == null || word.isEmpty()) return Optional.empty();
        String w = word.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, Math.min(3, w.length() / 3));
        // Only a candidate strictly closer than the best so far can change the answer, so each one is
        // measured just far enough to know whether it beats the bound (a project has thousands of names).
        int bound = limit;
        String best = null;
        BoundedDistance measure = new BoundedDistance(w, limit);
        for (String c : candidates) {
            if (c == null || c.equals(word)) continue;
            int d = measure.to(c.toLowerCase(Locale.ROOT), bound);
            if (d <= bound) {
                best = c;
                if (d == 0) break;
                bound = d - 1;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal-string-alignment distance: edits, with swapped neighbours counting as one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** " Did you mean 'x'?" or "". */
    public static String suffix(Optional<String> suggestion) {
        return suggestion.map(s -> " Did you mean '" + s + "'?").orElse("");
    }
}
