package opensafely.lsp.study;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.KeyedPermutation;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.dummydata.ValueSource;

/**
 * The table cohort-extractor's {@code make_df_from_expectations} makes (shared/spec/dummy-data.md section 5),
 * as a specification for the streaming engine: columns in its order (dates, the other generated columns, fixed
 * values, aggregates, patient_id), each drawing its value per patient. Counts stay exact without a table in
 * memory: a column's empty rows are those a keyed permutation puts below floor((1 - incidence) * N); a value
 * and its date column (include_date_of_match) share one draw, so their empties coincide; patient ids are a
 * keyed permutation of [0, 10N), so distinct.
 */
final class StudyTableSpec {
    private static final Set<String> NOT_FROM_EXPECTATIONS = Set.of("fixed_value", "minimum_of", "maximum_of");
    private static final Set<String> FROM_FILES = Set.of("with_value_from_file", "which_exist_in_file");

    private final StudyModel m;
    private final long n;
    private final long seed;
    private final StudyDates dates;
    private final Value.DictV defaults;
    private final List<ColumnSpec> columns = new ArrayList<>();
    private final Map<String, ColumnType> types = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    StudyTableSpec(StudyModel m, long n, long seed, LocalDate today) {
        this.m = m;
        this.n = n;
        this.seed = seed;
        Value idx = m.study.arg("index_date");
        LocalDate index = idx instanceof Value.Str s && DateExpression.isIsoDate(s.value()) ? LocalDate.parse(s.value()) : null;
        this.dates = new StudyDates(today, index);
        this.defaults = m.study.arg("default_expectations") instanceof Value.DictV d ? d : null;
    }

    /** The table, or the problems that stop it (empty spec then). */
    record Result(TableSpec spec, List<String> problems) {
    }

    Result build() {
        List<StudyModel.Variable> output = m.variables.stream()
                .filter(v -> !v.hidden() && !v.name().equals("population")).toList();
        for (StudyModel.Variable v : output) {
            Value.Call c = v.derived() ? v.parent().call() : v.call();
            if (c != null && FROM_FILES.contains(c.function())) {
                problems.add("'" + v.name() + "' reads its values from a file (" + c.function() + "); dummy data for it is not made here.");
            }
        }
        if (!problems.isEmpty()) return new Result(null, problems);
        // Dates first, then the other generated columns, then fixed values and aggregates (dummy-data.md 5).
        for (StudyModel.Variable v : output) if (generatedHere(v) && isDate(v)) generate(v);
        for (StudyModel.Variable v : output) if (generatedHere(v) && !isDate(v)) generate(v);
        for (StudyModel.Variable v : output) if (function(v).equals("fixed_value")) fixed(v);
        for (StudyModel.Variable v : output) if (function(v).equals("minimum_of") || function(v).equals("maximum_of")) aggregate(v);
        if (!problems.isEmpty()) return new Result(null, problems);
        KeyedPermutation ids = new KeyedPermutation(Math.max(1, 10 * n), seed ^ 0x1D5L);
        columns.add(new ColumnSpec("patient_id", ColumnType.INTEGER, p -> ids.apply(p.index())));
        return new Result(new TableSpec(columns, n, seed), List.of());
    }

    private static String function(StudyModel.Variable v) {
        Value.Call c = v.derived() ? null : v.call();
        return c == null ? "" : c.function();
    }

    private boolean generatedHere(StudyModel.Variable v) {
        return v.derived() || !NOT_FROM_EXPECTATIONS.contains(function(v));
    }

    private boolean isDate(StudyModel.Variable v) {
        return "date".equals(ColumnTypes.type(v, m));
    }

    /**
     * A column; one that an aggregate reads keeps its value in the patient's shared draws (only those: a shared
     * value costs a map entry per patient, and that garbage is what sizes the heap).
     */
    private void add(String name, ColumnType type, ValueSource source, String dateFormat, List<String> categories) {
        String key = "column:" + name;
        ValueSource kept = aggregated().contains(name) ? p -> p.shared(key, source::draw) : source;
        ColumnSpec c = new ColumnSpec(name, type, kept).withCategories(categories);
        columns.add(type == ColumnType.DATE ? c.withDateFormat(dateFormat) : c);
        types.put(name, type);
    }

    private long key(String name) {
        return seed * 31 + name.hashCode();
    }

    // ---------------------------------------------------------------------------------------- generated

    private void generate(StudyModel.Variable v) {
        Map<String, Object> ex = StudyExpectations.of(v, defaults);
        String name = v.name();
        if (!(ex.get("date") instanceof Map<?, ?> window) || !(window.get("earliest") instanceof String)
                || !(window.get("latest") instanceof String)) {
            problems.add("'" + name + "' has no date.earliest and date.latest in its expectations (or the study's default_expectations).");
            return;
        }
        String rate = ex.get("rate") instanceof String r ? r : "exponential_increase";
        double incidence = ex.get("incidence") instanceof Double d ? d : 0;
        boolean universal = rate.equals("universal");
        if (!universal && !(incidence > 0 && incidence <= 1)) {
            problems.add("'" + name + "' needs an incidence between 0 and 1 (or rate \"universal\").");
            return;
        }
        // A value and its date column (include_date_of_match) are drawn once, under the value's name.
        StudyModel.Variable source = v.derived() ? v.parent() : v;
        boolean paired = v.derived() || pairedParents().contains(name);
        long emptyCount = universal ? 0 : (long) Math.floor((1 - incidence) * n);
        KeyedPermutation empties = new KeyedPermutation(Math.max(1, n), key(source.name()));
        String type = ColumnTypes.type(v, m);
        if ("date".equals(type)) {
            Optional<LocalDate> earliest = dates.resolve((String) window.get("earliest"));
            Optional<LocalDate> latest = dates.resolve((String) window.get("latest"));
            if (earliest.isEmpty() || latest.isEmpty()) {
                problems.add("'" + name + "': the expectation dates must be ISO dates or expressions of index_date / today.");
                return;
            }
            if (universal) {
                problems.add("'" + name + "' is a date, and rate \"universal\" makes no dates: use \"uniform\" or \"exponential_increase\".");
                return;
            }
            long span = ChronoUnit.DAYS.between(earliest.get(), latest.get());
            if (span < 0 && !rate.equals("uniform")) {
                problems.add("'" + name + "': date.earliest " + earliest.get() + " is after date.latest " + latest.get() + ".");
                return;
            }
            LocalDate[] own = dates.window(source.call());
            String format = dateFormat(v);
            LocalDate last = latest.get();
            boolean uniform = rate.equals("uniform");
            ValueSource draw = p -> {
                if (empties.among(p.index(), emptyCount)) return null;
                SplittableRandom r = p.random();
                long days = uniform ? (long) (r.nextDouble() * span) : exponentialDays(r, span);
                LocalDate d = last.minusDays(days);
                // The variable's own static window applies after incidence, as upstream (it lowers the incidence).
                boolean outside = own[0] != null && d.isBefore(own[0]) || own[1] != null && d.isAfter(own[1]);
                return outside ? null : truncate(d, format);
            };
            String pairKey = "pair:" + source.name();
            add(name, ColumnType.DATE, paired ? p -> p.shared(pairKey, draw::draw) : draw, format, List.of());
            return;
        }
        // A value whose date column is in the table is empty exactly where that date is (dummy-data.md 6.7).
        String pairKey = "pair:" + name;
        ValueSource empty = paired && !v.derived() ? p -> p.shared(pairKey, q -> null) == null
                : p -> empties.among(p.index(), emptyCount);
        switch (type == null ? "" : type) {
            case "bool" -> add(name, ColumnType.BOOLEAN, p -> !(Boolean) empty.draw(p), null, List.of());
            case "int", "float" -> number(v, ex, type, empty);
            case "str" -> category(v, ex, empty);
            default -> problems.add("The column type of '" + name + "' cannot be worked out, so no dummy values are made for it.");
        }
    }

    private Set<String> pairedParents;
    private Set<String> aggregated;

    /** The columns minimum_of / maximum_of read. */
    private Set<String> aggregated() {
        if (aggregated == null) {
            aggregated = new HashSet<>();
            for (StudyModel.Variable v : m.variables) {
                String f = function(v);
                if (!f.equals("minimum_of") && !f.equals("maximum_of")) continue;
                for (Value x : v.call().positional()) if (x instanceof Value.Str s) aggregated.add(s.value());
            }
        }
        return aggregated;
    }

    /** Values that have a date column of their own in the table (include_date_of_match, include_measurement_date). */
    private Set<String> pairedParents() {
        if (pairedParents == null) {
            pairedParents = new HashSet<>();
            for (StudyModel.Variable v : m.variables) {
                if (v.derived() && !v.hidden() && isDate(v)) pairedParents.add(v.parent().name());
            }
        }
        return pairedParents;
    }

    private void number(StudyModel.Variable v, Map<String, Object> ex, String type, ValueSource empty) {
        String name = v.name();
        if (!(ex.get(type) instanceof Map<?, ?> dist)) {
            problems.add("'" + name + "' is " + ("int".equals(type) ? "an int" : "a float") + " and needs an expectation such as {\""
                    + type + "\": {\"distribution\": \"normal\", \"mean\": 10, \"stddev\": 2}}.");
            return;
        }
        String wrong = StudyExpectations.distributionProblem(type, dist);
        if (wrong != null) {
            problems.add("'" + name + "': " + wrong);
            return;
        }
        boolean integer = "int".equals(type);
        String distribution = String.valueOf(dist.get("distribution"));
        double mean = dist.get("mean") instanceof Double d ? d : 0;
        double sd = dist.get("stddev") instanceof Double d ? d : 0;
        // cohort-extractor writes 0 / 0.0 for the empty rows of numbers.
        ValueSource draw = p -> {
            SplittableRandom r = p.random();
            if ((Boolean) empty.draw(p)) return integer ? (Object) 0L : (Object) 0.0;
            return switch (distribution) {
                // cohort-extractor truncates normal ints toward zero.
                case "normal" -> integer ? (Object) (long) (mean + sd * r.nextGaussian()) : (Object) (mean + sd * r.nextGaussian());
                case "poisson" -> poisson(r, mean);
                default -> PopulationAges.draw(r);
            };
        };
        add(name, integer ? ColumnType.INTEGER : ColumnType.FLOAT, draw, null, List.of());
    }

    private void category(StudyModel.Variable v, Map<String, Object> ex, ValueSource empty) {
        String name = v.name();
        if (!(ex.get("category") instanceof Map<?, ?> cat) || !(cat.get("ratios") instanceof Map<?, ?> ratios) || ratios.isEmpty()) {
            problems.add("'" + name + "' is a category and needs {\"category\": {\"ratios\": {...}}} in its return_expectations.");
            return;
        }
        List<String> keys = new ArrayList<>();
        double[] cumulative = new double[ratios.size()];
        double sum = 0;
        int k = 0;
        for (Map.Entry<?, ?> e : ratios.entrySet()) {
            keys.add(String.valueOf(e.getKey()));
            sum += e.getValue() instanceof Double d ? d : 0;
            cumulative[k++] = sum;
        }
        if (Math.abs(sum - 1) > 1e-5) {
            problems.add("'" + name + "': the category ratios add up to " + sum + ", not 1.");
            return;
        }
        double total = sum;
        add(name, ColumnType.STRING, p -> {
            if ((Boolean) empty.draw(p)) return null;
            double u = p.random().nextDouble() * total;
            int j = 0;
            while (j < cumulative.length - 1 && u >= cumulative[j]) j++;
            return keys.get(j);
        }, null, keys);
    }

    /** Days before latest, from an exponential of mean 0.1 scaled to the span: most dates near latest. */
    private static long exponentialDays(SplittableRandom random, long span) {
        while (true) {
            double x = -0.1 * Math.log(1 - random.nextDouble());
            long days = (long) (x * span);
            if (days <= span) return days;
        }
    }

    private static long poisson(SplittableRandom random, double mean) {
        if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian())); // exp(-mean) underflows
        double l = Math.exp(-mean);
        long k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    // ----------------------------------------------------------------------------- fixed and aggregates

    private void fixed(StudyModel.Variable v) {
        Value.Call c = v.call();
        Value x = c.positional().isEmpty() ? c.arg("value") : c.positional().get(0);
        if (x instanceof Value.Str s && DateExpression.isIsoDate(s.value())) {
            String format = dateFormat(v);
            LocalDate d = truncate(LocalDate.parse(s.value()), format);
            add(v.name(), ColumnType.DATE, p -> d, format, List.of());
        } else if (x instanceof Value.Str s) {
            add(v.name(), ColumnType.STRING, p -> s.value(), null, List.of(s.value()));
        } else if (x instanceof Value.Bool b) {
            add(v.name(), ColumnType.BOOLEAN, p -> b.value(), null, List.of());
        } else if (x instanceof Value.Num num && num.integer()) {
            add(v.name(), ColumnType.INTEGER, p -> num.asLong(), null, List.of());
        } else if (x instanceof Value.Num num) {
            add(v.name(), ColumnType.FLOAT, p -> num.value(), null, List.of());
        } else {
            add(v.name(), ColumnType.STRING, p -> null, null, List.of());
        }
    }

    /** Row-wise minimum or maximum of the visible inputs; dummy empties (0, 0.0) take part, as upstream's do. */
    private void aggregate(StudyModel.Variable v) {
        Value.Call c = v.call();
        boolean min = c.function().equals("minimum_of");
        List<ValueSource> inputs = new ArrayList<>();
        ColumnType type = null;
        for (Value x : c.positional()) {
            if (!(x instanceof Value.Str s)) continue;
            if (DateExpression.isIsoDate(s.value())) {
                LocalDate d = LocalDate.parse(s.value());
                inputs.add(p -> d);
                if (type == null) type = ColumnType.DATE;
            } else if (types.containsKey(s.value())) {
                String key = "column:" + s.value();
                inputs.add(p -> p.shared(key, q -> null));
                if (type == null) type = types.get(s.value());
            } else {
                problems.add("'" + v.name() + "' combines '" + s.value() + "', which is not an output column; dummy data for such helpers is not made here.");
                return;
            }
        }
        ColumnType t = type == null ? ColumnType.STRING : type;
        String format = dateFormat(v);
        add(v.name(), t, p -> {
            Object best = null;
            for (ValueSource in : inputs) {
                Object x = in.draw(p);
                if (x == null) continue;
                if (best == null || (min ? compare(x, best) < 0 : compare(x, best) > 0)) best = x;
            }
            return coerce(best, t, format);
        }, format, List.of());
    }

    private static Object coerce(Object x, ColumnType t, String format) {
        if (x == null) return null;
        return switch (t) {
            case INTEGER -> x instanceof Number num ? (Object) num.longValue() : null;
            case FLOAT -> x instanceof Number num ? (Object) num.doubleValue() : null;
            case DATE -> x instanceof LocalDate d ? truncate(d, format) : null;
            case BOOLEAN -> x instanceof Boolean ? x : null;
            case STRING -> String.valueOf(x);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue());
        if (a instanceof Comparable ca && a.getClass() == b.getClass()) return ca.compareTo(b);
        return 0;
    }

    // --------------------------------------------------------------------------------------------- dates

    /** The column's date_format as the writers take it: YYYY-MM-DD, YYYY-MM, or YYYY for anything else (as upstream). */
    private String dateFormat(StudyModel.Variable v) {
        String f = ColumnTypes.dateFormat(v, m);
        return "YYYY-MM-DD".equals(f) || "YYYY-MM".equals(f) ? f : "YYYY";
    }

    /** A date as cohort-extractor reads a formatted one back (feather): YYYY is 1 January, YYYY-MM the 1st. */
    private static LocalDate truncate(LocalDate d, String format) {
        return switch (format) {
            case "YYYY" -> d.withDayOfYear(1);
            case "YYYY-MM" -> d.withDayOfMonth(1);
            default -> d;
        };
    }
}
