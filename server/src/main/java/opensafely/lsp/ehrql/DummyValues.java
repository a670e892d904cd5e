package opensafely.lsp.ehrql;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Value helpers shared by the dummy-data evaluator and constructor: comparisons across Java types, and draws. */
final class DummyValues {
    static final String CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+_";
    /** ehrQL's values of patients.sex, as the schema lists them (female, male, intersex, unknown). */
    static final List<String> SEXES = List.copyOf(Schema.get().modules.get("ehrql.tables.core").get("patients").categories().get("sex"));

    private DummyValues() {
    }

    /** A date from a LocalDate or an ISO string (ehrQL accepts "YYYY-MM-DD" wherever a date goes), else null. */
    static LocalDate date(Object o) {
        if (o instanceof LocalDate d) return d;
        if (o instanceof String s && s.length() == 10) {
            try {
                return LocalDate.parse(s);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** Compares two non-null values of one kind (dates with date strings, longs with doubles); null when they do not compare. */
    static Integer compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue());
        if (a instanceof LocalDate || b instanceof LocalDate) {
            LocalDate x = date(a), y = date(b);
            return x == null || y == null ? null : x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) return Boolean.compare(x, y);
        if (a instanceof String x && b instanceof String y) return x.compareTo(y);
        return null;
    }

    static Boolean cmp(String op, Object a, Object b) {
        if (a == null || b == null) return null;
        Integer c = compare(a, b);
        if (c == null) return op.equals("!=") ? Boolean.TRUE : op.equals("==") ? Boolean.FALSE : null;
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            default -> null;
        };
    }

    /** Whole years from {@code from} to {@code to}, as ehrQL's age_on counts them (negative before birth). */
    static long years(LocalDate from, LocalDate to) {
        return ChronoUnit.YEARS.between(from, to);
    }

    static LocalDate uniformDay(SplittableRandom r, LocalDate lo, LocalDate hi) {
        long span = hi.toEpochDay() - lo.toEpochDay();
        return span <= 0 ? lo : LocalDate.ofEpochDay(lo.toEpochDay() + r.nextLong(span + 1));
    }

    /** A first of the month in [lo, hi]; lo itself when no first of a month falls in the window. */
    static LocalDate firstOfMonth(SplittableRandom r, LocalDate lo, LocalDate hi) {
        LocalDate first = lo.getDayOfMonth() == 1 ? lo : lo.withDayOfMonth(1).plusMonths(1);
        if (first.isAfter(hi)) return lo;
        long months = ChronoUnit.MONTHS.between(first, hi.withDayOfMonth(1));
        return first.plusMonths(r.nextLong(months + 1));
    }

    static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    /** One of {@code values} (not empty), each as likely as its weight. */
    static <T> T weighted(SplittableRandom r, List<T> values, ToDoubleFunction<T> weight) {
        double total = 0;
        for (T v : values) total += weight.applyAsDouble(v);
        double x = r.nextDouble() * total;
        for (T v : values) {
            x -= weight.applyAsDouble(v);
            if (x < 0) return v;
        }
        return values.get(values.size() - 1);
    }

    /** ehrQL's fallback for a string with no candidates: 0–15 characters over letters, digits and {@code .-+_}. */
    static String randomString(SplittableRandom r) {
        int n = r.nextInt(16);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(CHARS.charAt(r.nextInt(CHARS.length())));
        return b.toString();
    }
}
