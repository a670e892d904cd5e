package opensafely.lsp.study;

import java.util.SplittableRandom;

/**
 * cohort-extractor's {@code population_ages} distribution: ages 0 to 109 drawn with the UK's 2018 population
 * by five-year band (thousands), each age of a band equally likely (dummy-data.md 6.1).
 */
final class PopulationAges {
    private static final int[] BAND_COUNTS = {3914, 4139, 3859, 3669, 4185, 4527, 4463, 4372, 3993, 4507, 4674, 4294, 3673,
        3396, 3252, 2236, 1673, 1024, 448, 123, 13};
    private static final double[] CUMULATIVE = new double[110];

    static {
        double total = 0;
        for (int c : BAND_COUNTS) total += c;
        double sum = 0;
        for (int age = 0; age < 110; age++) {
            int band = Math.min(age / 5, BAND_COUNTS.length - 1);
            sum += BAND_COUNTS[band] / total / 5;
            CUMULATIVE[age] = sum;
        }
    }

    private PopulationAges() {
    }

    static long draw(SplittableRandom random) {
        double u = random.nextDouble() * CUMULATIVE[CUMULATIVE.length - 1];
        int lo = 0, hi = CUMULATIVE.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (CUMULATIVE[mid] <= u) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
