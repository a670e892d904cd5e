package opensafely.lsp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Order statistics of a sample of timings (milliseconds). Percentiles use the nearest-rank method. */
record Stats(int n, double median, double p95, double min, double max, double mean, double stddev) {

    static Stats of(List<Double> sample) {
        if (sample.isEmpty()) return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        List<Double> s = new ArrayList<>(sample);
        Collections.sort(s);
        double sum = 0;
        for (double v : s) sum += v;
        double mean = sum / s.size();
        double sq = 0;
        for (double v : s) sq += (v - mean) * (v - mean);
        double sd = s.size() > 1 ? Math.sqrt(sq / (s.size() - 1)) : 0;
        return new Stats(s.size(), percentile(s, 50), percentile(s, 95), s.get(0), s.get(s.size() - 1), mean, sd);
    }

    /** Nearest rank on an already sorted list: the smallest value with at least p% of the sample at or below it. */
    static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static String ms(double v) {
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
    }
}
