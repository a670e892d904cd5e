package opensafely.lsp.diagnostics;

/**
 * The {@link DidYouMean#distance optimal-string-alignment distance} from one word to many candidates,
 * computed only as far as a bound: the exact distance when it is at most the bound, otherwise bound + 1.
 *
 * <p>Three facts keep the answer exact while skipping most of the work. Every cell of the edit table is
 * at least the difference of its row and column, so cells further than the bound from the diagonal can
 * be taken as bound + 1, and so can any candidate whose length differs by more than the bound. Values
 * above the bound may be capped at bound + 1 without changing those at or below it. And a row's minimum
 * is at least the smaller of the previous row's minimum and the one before's plus one, so once two
 * consecutive rows are entirely above the bound, so is the answer.
 */
final class BoundedDistance {
    private final String word;
    private int[] before; // row i - 2 (for swapped neighbours)
    private int[] previous; // row i - 1
    private int[] current; // row i

    /** @param maxBound the largest bound {@link #to} will be asked for (it sizes the rows) */
    BoundedDistance(String word, int maxBound) {
        this.word = word;
        int width = word.length() + maxBound + 1;
        before = new int[width];
        previous = new int[width];
        current = new int[width];
    }

    /** The distance from the word to {@code other} if at most {@code bound} (not above the max bound), else bound + 1. */
    int to(String other, int bound) {
        String a = word;
        String b = other;
        int la = a.length();
        int lb = b.length();
        int over = bound + 1;
        if (Math.abs(la - lb) > bound) return over;
        for (int j = 0; j <= lb; j++) previous[j] = Math.min(j, over);
        int previousMin = 0;
        for (int i = 1; i <= la; i++) {
            int lo = Math.max(1, i - bound);
            int hi = Math.min(lb, i + bound);
            current[0] = Math.min(i, over);
            if (lo - 1 >= 1 && lo - 1 <= lb) current[lo - 1] = over;
            int rowMin = lo == 1 ? current[0] : over;
            char ai = a.charAt(i - 1);
            for (int j = lo; j <= hi; j++) {
                char bj = b.charAt(j - 1);
                int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (ai == bj ? 0 : 1));
                if (i > 1 && j > 1 && ai == b.charAt(j - 2) && a.charAt(i - 2) == bj) {
                    d = Math.min(d, before[j - 2] + 1);
                }
                if (d > over) d = over;
                current[j] = d;
                if (d < rowMin) rowMin = d;
            }
            if (hi + 1 <= lb) current[hi + 1] = over;
            if (rowMin > bound && previousMin > bound) return over;
            previousMin = rowMin;
            int[] spare = before;
            before = previous;
            previous = current;
            current = spare;
        }
        return previous[lb];
    }
}
