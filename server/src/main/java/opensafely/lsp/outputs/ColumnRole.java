package opensafely.lsp.outputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a column of an output table holds, decided from its name and its values, erring on the side of silence:
 * a column is a count only when its values are all whole numbers of zero or more and its name says count (n,
 * count, total, patients, events, ...) or, failing a name either way, it already holds a redacted cell or its
 * other values are nearly all multiples of 5 (a table of rounded counts with a slip). A name that says
 * statistic (mean, sd, coefficient, p, ci, ratio, percent, rate, age, year, ...) is never a count.
 * docs/rules.md lists the words with examples.
 */
public enum ColumnRole {
    /** Counts of people or events: 1..7 must be redacted, others rounded to 5. */
    COUNT,
    /** Counts rounded on the midpoint-6 scheme (name ends {@code _midpoint6}): 0, 3, 9, 15, ... */
    MIDPOINT6,
    /** Values derived from midpoint-6 counts (name ends {@code _midpoint6_derived}): multiples of 6. */
    MIDPOINT6_DERIVED,
    /** A percentage, proportion or rate: disclosive when its row's count is small or redacted. */
    RATE,
    /** Anything else: never flagged as a count. */
    OTHER;

    /** Words of a column name that make it a count. */
    static final Set<String> COUNT_WORDS = Set.of("n", "count", "counts", "num", "number", "total", "totals", "freq",
            "frequency", "patients", "people", "persons", "individuals", "events", "cases", "deaths", "admissions",
            "denominator", "numerator", "population", "registered", "all", "overall", "size");
    /** Words of a column name that make it a statistic or a label, never a count. */
    static final Set<String> NOT_COUNT_WORDS = Set.of("mean", "average", "avg", "median", "sd", "std", "stdev", "se",
            "sem", "stderr", "var", "variance", "coef", "coefficient", "estimate", "est", "beta", "b", "or", "hr", "rr",
            "irr", "ratio", "odds", "hazard", "p", "pval", "pvalue", "ci", "lci", "uci", "lcl", "ucl", "lower", "upper",
            "lb", "ub", "conf", "confint", "percent", "percentage", "pct", "perc", "prop", "proportion", "rate", "rates",
            "per", "prevalence", "incidence", "risk", "share", "fraction", "age", "year", "years", "month", "months",
            "week", "weeks", "day", "days", "date", "time", "duration", "id", "code", "index", "rank", "min", "max",
            "iqr", "q1", "q3", "quantile", "percentile", "centile", "z", "t", "chi", "chisq", "statistic", "stat", "df",
            "weight", "score", "bmi", "value", "log", "diff", "difference", "change", "sum", "pop");
    /** Words of a column name that make it a percentage or rate (RATE wins over a count word: "rate_per_1000"). */
    static final Set<String> RATE_WORDS = Set.of("percent", "percentage", "pct", "perc", "prop", "proportion", "rate",
            "rates", "prevalence", "incidence", "risk", "share", "fraction", "%");

    /** A name split into lower-case words at underscores, spaces, dots, dashes and case changes ("nPatients"). */
    static List<String> words(String name) {
        String spaced = name.replaceAll("([a-z])([A-Z])", "$1 $2").replace("%", " % ");
        List<String> out = new ArrayList<>();
        for (String w : spaced.toLowerCase(Locale.ROOT).split("[^a-z0-9%]+")) {
            if (!w.isEmpty()) out.add(w);
        }
        return out;
    }

    static ColumnRole of(ColumnSummary column) {
        String lower = column.name().strip().toLowerCase(Locale.ROOT);
        List<String> words = words(column.name());
        boolean wholeNonNegative = column.numeric() && column.min().signum() >= 0 && column.sum() != null
                && column.max().stripTrailingZeros().scale() <= 0 && allIntegral(column);
        if (lower.endsWith("_midpoint6_derived")) return wholeNonNegative ? MIDPOINT6_DERIVED : OTHER;
        if (lower.endsWith("_midpoint6")) return wholeNonNegative ? MIDPOINT6 : OTHER;
        if (words.stream().anyMatch(RATE_WORDS::contains)) return RATE;
        if (!wholeNonNegative) return OTHER;
        if (words.stream().anyMatch(NOT_COUNT_WORDS::contains)) return OTHER;
        if (words.stream().anyMatch(COUNT_WORDS::contains) || lower.startsWith("n_") || lower.endsWith("_n")) return COUNT;
        // No word either way: a count only where the table itself says so.
        if (column.redacted() > 0) return COUNT;
        return column.nonZeroMultiplesOf5() >= 3 && column.nonZeroMultiplesOf5() * 5 >= column.nonZero() * 4 ? COUNT : OTHER;
    }

    private static boolean allIntegral(ColumnSummary column) {
        return column.integral() == column.values();
    }
}
