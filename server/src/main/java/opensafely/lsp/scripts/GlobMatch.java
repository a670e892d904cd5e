package opensafely.lsp.scripts;

/**
 * Whether a path with unknown parts ({@code output/fig_*.png}) may name a file an output pattern matches
 * ({@code output/*.png}): both are globs where {@code *} stands for any run of characters but {@code /}.
 */
final class GlobMatch {
    private GlobMatch() {
    }

    static boolean overlap(String a, String b) {
        String[] as = a.split("/", -1), bs = b.split("/", -1);
        if (as.length != bs.length) return false;
        for (int i = 0; i < as.length; i++) if (!segments(as[i], bs[i])) return false;
        return true;
    }

    /** Whether some text matches both segment globs: a walk over pairs of positions (quadratic in short segments). */
    private static boolean segments(String a, String b) {
        if (a.length() > 512 || b.length() > 512) return a.equals(b);
        boolean[][] reach = new boolean[a.length() + 1][b.length() + 1];
        reach[0][0] = true;
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (!reach[i][j]) continue;
                boolean aStar = i < a.length() && a.charAt(i) == '*', bStar = j < b.length() && b.charAt(j) == '*';
                if (aStar) {
                    reach[i + 1][j] = true;
                    if (j < b.length() && !bStar) reach[i][j + 1] = true;
                }
                if (bStar) {
                    reach[i][j + 1] = true;
                    if (i < a.length() && !aStar) reach[i + 1][j] = true;
                }
                if (!aStar && !bStar && i < a.length() && j < b.length() && a.charAt(i) == b.charAt(j)) reach[i + 1][j + 1] = true;
            }
        }
        return reach[a.length()][b.length()];
    }
}
