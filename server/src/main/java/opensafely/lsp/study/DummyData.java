package opensafely.lsp.study;

import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.study.StudyAnalyzer.Analysis;
import opensafely.lsp.workspace.Document;

/**
 * Dummy data for a cohort-extractor study definition, made from its expectations as {@code generate_cohort
 * --expectations-population N} makes it (see shared/spec/dummy-data.md): same columns in the same order, same
 * distributions and incidences, same formats; not the same random draws. The study is read by the static
 * analysis, never run. What the analysis cannot resolve, or cohort-extractor would reject, is a problem and
 * no table is made.
 */
public final class DummyData {
    /**
     * The generated table (header and rows of CSV fields), or the reasons there is none.
     *
     * @param populationLimit when the population asked for would not fit in memory, the largest that would
     *     (and {@code problems} says so); else 0
     */
    public record Outcome(List<String> columns, List<List<String>> rows, List<String> problems, long populationLimit) {
        public Outcome(List<String> columns, List<List<String>> rows, List<String> problems) {
            this(columns, rows, problems, 0);
        }

        public boolean ok() {
            return problems.isEmpty();
        }

        public boolean tooLarge() {
            return populationLimit > 0;
        }
    }

    /**
     * What one field of the table costs while it is made: its value, its CSV text as a String in the row, and
     * its share of the CSV written at the end (built whole, then encoded). Measured at about 120 bytes; the
     * margin covers the JVM's own needs. The table is in memory until issue #10 streams it.
     */
    static final long BYTES_PER_FIELD = 200;
    /** Per patient: the row list, its id, the shuffles of the incidence draws. */
    static final long BYTES_PER_PATIENT = 150;

    private static final Set<String> NOT_FROM_EXPECTATIONS = Set.of("fixed_value", "minimum_of", "maximum_of");
    private static final Set<String> FROM_FILES = Set.of("with_value_from_file", "which_exist_in_file");

    private final StudyAnalyzer analyzer = new StudyAnalyzer();
    private final Clock clock;
    private final long memoryBytes;

    public DummyData(Clock clock) {
        this(clock, Runtime.getRuntime().maxMemory());
    }

    /** @param memoryBytes the memory a table may take at most (the JVM's maximum heap, by default) */
    public DummyData(Clock clock, long memoryBytes) {
        this.clock = clock;
        this.memoryBytes = memoryBytes;
    }

    /** The largest population whose table of {@code columns} columns fits in {@code memoryBytes}, at least 1. */
    public static long maxPopulation(int columns, long memoryBytes) {
        return Math.max(1, memoryBytes / (BYTES_PER_PATIENT + BYTES_PER_FIELD * (columns + 1L)));
    }

    public Outcome generate(Document doc, int population, long seed) {
        Analysis a = analyzer.analyse(doc);
        List<String> problems = new ArrayList<>();
        for (Diagnostic d : a.diagnostics()) {
            if (d.severity() == Severity.ERROR) {
                problems.add(doc.path().getFileName() + ":" + (d.range().start().line() + 1) + ": " + d.message());
            }
        }
        StudyModel m = a.model();
        if (m.study == null) problems.add("There is no StudyDefinition(...) in this file.");
        else if (m.open) problems.add("Some variables of this study cannot be worked out without running it, so its columns are not known.");
        if (!problems.isEmpty()) return new Outcome(List.of(), List.of(), problems);
        int columns = (int) m.variables.stream().filter(v -> !v.hidden() && !v.name().equals("population")).count();
        long limit = maxPopulation(columns, memoryBytes);
        if (population > limit) {
            return new Outcome(List.of(), List.of(), List.of(String.format(java.util.Locale.ROOT,
                    "%,d patients with %d %s do not fit in the %,d MB Java may use here; at most about %,d do.",
                    population, columns + 1, columns + 1 == 1 ? "column" : "columns", memoryBytes >> 20, limit)), limit);
        }
        return new Generation(m, population, new SplittableRandom(seed), LocalDate.now(clock)).run();
    }

    /** One run of the algorithm of dummy-data.md section 5 over a study's variables. */
    private static final class Generation {
        private final StudyModel m;
        private final int n;
        private final SplittableRandom random;
        private final LocalDate today;
        private final LocalDate index;
        private final Value.DictV defaults;
        private final Map<String, Object[]> columns = new LinkedHashMap<>();
        private final Map<String, boolean[]> sharedEmpties = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        Generation(StudyModel m, int n, SplittableRandom random, LocalDate today) {
            this.m = m;
            this.n = n;
            this.random = random;
            this.today = today;
            Value idx = m.study.arg("index_date");
            this.index = idx instanceof Value.Str s && DateExpression.isIsoDate(s.value()) ? LocalDate.parse(s.value()) : null;
            this.defaults = m.study.arg("default_expectations") instanceof Value.DictV d ? d : null;
        }

        Outcome run() {
            List<StudyModel.Variable> output = m.variables.stream()
                    .filter(v -> !v.hidden() && !v.name().equals("population")).toList();
            for (StudyModel.Variable v : output) {
                Value.Call c = v.derived() ? v.parent().call() : v.call();
                if (c != null && FROM_FILES.contains(c.function())) {
                    problems.add("'" + v.name() + "' reads its values from a file (" + c.function() + "); dummy data for it is not made here.");
                }
            }
            if (!problems.isEmpty()) return new Outcome(List.of(), List.of(), problems);
            // Dates first, then the other generated columns, then fixed values and aggregates (dummy-data.md 5).
            for (StudyModel.Variable v : output) if (generatedHere(v) && isDate(v)) generate(v);
            for (StudyModel.Variable v : output) if (generatedHere(v) && !isDate(v)) generate(v);
            for (StudyModel.Variable v : output) if (function(v).equals("fixed_value")) fixed(v);
            for (StudyModel.Variable v : output) if (function(v).equals("minimum_of") || function(v).equals("maximum_of")) aggregate(v);
            if (!problems.isEmpty()) return new Outcome(List.of(), List.of(), problems);
            columns.put("patient_id", patientIds());
            List<String> names = new ArrayList<>(columns.keySet());
            List<List<String>> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                List<String> row = new ArrayList<>(names.size());
                for (String name : names) row.add(format(name, columns.get(name)[i]));
                rows.add(row);
            }
            return new Outcome(names, rows, List.of());
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

        // ---------------------------------------------------------------------------------- expectations

        /** The variable's expectations merged over the study's defaults; a derived date column uses its source's. */
        private Map<String, Object> expectations(StudyModel.Variable v) {
            Value.Call c = v.derived() ? v.parent().call() : v.call();
            Value own = c == null ? null : c.arg("return_expectations");
            Map<String, Object> merged = defaults == null ? new LinkedHashMap<>() : toMap(defaults);
            if (own instanceof Value.DictV d) merge(merged, toMap(d));
            return merged;
        }

        @SuppressWarnings("unchecked")
        private static void merge(Map<String, Object> into, Map<String, Object> over) {
            for (Map.Entry<String, Object> e : over.entrySet()) {
                if (into.get(e.getKey()) instanceof Map<?, ?> a && e.getValue() instanceof Map<?, ?> b) {
                    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) a);
                    merge(copy, (Map<String, Object>) b);
                    into.put(e.getKey(), copy);
                } else {
                    into.put(e.getKey(), e.getValue());
                }
            }
        }

        private static Map<String, Object> toMap(Value.DictV d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Value.Entry e : d.entries) {
                String key = e.key() instanceof Value.Str s ? s.value() : e.key() instanceof Value.Num num
                        ? (num.integer() ? String.valueOf(num.asLong()) : String.valueOf(num.value())) : String.valueOf(e.key());
                // A date Python computes as today (datetime.today().strftime(...)) is what "today" means here.
                out.put(key, e.value() == Value.UNKNOWN && TodayExpression.valueOf(e.keyOrigin()) ? "today" : plain(e.value()));
            }
            return out;
        }

        private static Object plain(Value v) {
            if (v instanceof Value.DictV d) return toMap(d);
            if (v instanceof Value.Str s) return s.value();
            if (v instanceof Value.Num num) return num.value();
            if (v instanceof Value.Bool b) return b.value();
            return null;
        }

        // ------------------------------------------------------------------------------------ generation

        private void generate(StudyModel.Variable v) {
            Map<String, Object> ex = expectations(v);
            String name = v.name();
            if (!(ex.get("date") instanceof Map<?, ?> dates) || !(dates.get("earliest") instanceof String) || !(dates.get("latest") instanceof String)) {
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
            // A value and its date column (include_date_of_match) are empty in the same rows.
            boolean[] empty = v.derived() || !sharedEmpties.containsKey(name)
                    ? (universal ? new boolean[n] : emptyRows(incidence)) : sharedEmpties.get(name);
            if (v.derived()) sharedEmpties.put(v.parent().name(), empty);
            String type = ColumnTypes.type(v, m);
            Object[] values = new Object[n];
            if ("date".equals(type)) {
                Optional<LocalDate> earliest = date((String) dates.get("earliest"));
                Optional<LocalDate> latest = date((String) dates.get("latest"));
                if (earliest.isEmpty() || latest.isEmpty()) {
                    problems.add("'" + name + "': the expectation dates must be ISO dates or expressions of index_date / today.");
                    return;
                }
                if (universal) {
                    problems.add("'" + name + "' is a date, and rate \"universal\" makes no dates: use \"uniform\" or \"exponential_increase\".");
                    return;
                }
                long span = ChronoUnit.DAYS.between(earliest.get(), latest.get());
                LocalDate[] window = window(v.derived() ? v.parent().call() : v.call());
                for (int i = 0; i < n; i++) {
                    if (empty[i]) continue;
                    long days = rate.equals("uniform") ? (long) (random.nextDouble() * span) : exponentialDays(span);
                    LocalDate d = latest.get().minusDays(days);
                    // The variable's own static window applies after incidence, as upstream (it lowers the incidence).
                    boolean outside = window[0] != null && d.isBefore(window[0]) || window[1] != null && d.isAfter(window[1]);
                    values[i] = outside ? null : d;
                }
            } else if ("bool".equals(type)) {
                for (int i = 0; i < n; i++) values[i] = empty[i] ? 0 : 1;
            } else if ("int".equals(type) || "float".equals(type)) {
                Object spec = ex.get(type);
                if (!(spec instanceof Map<?, ?> dist)) {
                    problems.add("'" + name + "' is " + ("int".equals(type) ? "an int" : "a float") + " and needs an expectation such as {\""
                            + type + "\": {\"distribution\": \"normal\", \"mean\": 10, \"stddev\": 2}}.");
                    return;
                }
                String wrong = distributionProblem(type, dist);
                if (wrong != null) {
                    problems.add("'" + name + "': " + wrong);
                    return;
                }
                // cohort-extractor writes 0 / 0.0 for the empty rows of numbers.
                Object zero = "int".equals(type) ? (Object) 0L : (Object) 0.0;
                for (int i = 0; i < n; i++) values[i] = empty[i] ? zero : number(type, dist);
            } else if ("str".equals(type)) {
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
                for (int i = 0; i < n; i++) {
                    if (empty[i]) continue;
                    double u = random.nextDouble() * sum;
                    int j = 0;
                    while (j < cumulative.length - 1 && u >= cumulative[j]) j++;
                    values[i] = keys.get(j);
                }
            } else {
                problems.add("The column type of '" + name + "' cannot be worked out, so no dummy values are made for it.");
                return;
            }
            columns.put(name, values);
        }

        /** The static bounds of a variable's period (between, on_or_after, on_or_before); dynamic ones are ignored. */
        private LocalDate[] window(Value.Call c) {
            LocalDate[] w = new LocalDate[2];
            if (c == null) return w;
            if (c.arg("between") instanceof Value.ListV l && l.items.size() == 2) {
                w[0] = l.items.get(0) instanceof Value.Str a ? date(a.value()).orElse(null) : null;
                w[1] = l.items.get(1) instanceof Value.Str b ? date(b.value()).orElse(null) : null;
            }
            if (c.arg("on_or_after") instanceof Value.Str a) w[0] = date(a.value()).orElse(null);
            if (c.arg("on_or_before") instanceof Value.Str b) w[1] = date(b.value()).orElse(null);
            return w;
        }

        /** floor((1 - incidence) * N) rows chosen uniformly are empty (dummy-data.md 6.7). */
        private boolean[] emptyRows(double incidence) {
            int count = (int) Math.floor((1 - incidence) * n);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            boolean[] empty = new boolean[n];
            for (int i = 0; i < count; i++) empty[order[i]] = true;
            return empty;
        }

        /** Days before latest, from an exponential of mean 0.1 scaled to the span: most dates near latest. */
        private long exponentialDays(long span) {
            while (true) {
                double x = -0.1 * Math.log(1 - random.nextDouble());
                long days = (long) (x * span);
                if (days <= span) return days;
            }
        }

        /** Why cohort-extractor would reject this distribution for the type, or null. */
        private static String distributionProblem(String type, Map<?, ?> dist) {
            String d = String.valueOf(dist.get("distribution"));
            boolean mean = dist.get("mean") instanceof Double;
            boolean sd = dist.get("stddev") instanceof Double;
            if (d.equals("normal")) return mean && sd ? null : "a normal distribution needs a mean and a stddev.";
            if (type.equals("float")) return "only normal distributions are supported for floats.";
            if (d.equals("poisson")) return mean ? null : "a poisson distribution needs a mean.";
            if (d.equals("population_ages")) return null;
            return "unknown distribution '" + d + "' for ints (normal, poisson or population_ages).";
        }

        private Object number(String type, Map<?, ?> dist) {
            switch (String.valueOf(dist.get("distribution"))) {
                case "normal": {
                    double g = (Double) dist.get("mean") + (Double) dist.get("stddev") * gaussian();
                    // cohort-extractor truncates normal ints toward zero.
                    return type.equals("int") ? (Object) (long) g : (Object) g;
                }
                case "poisson":
                    return poisson((Double) dist.get("mean"));
                default:
                    return PopulationAges.draw(random);
            }
        }

        private double gaussian() {
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }

        private long poisson(double mean) {
            double l = Math.exp(-mean);
            long k = 0;
            double p = 1;
            do {
                k++;
                p *= random.nextDouble();
            } while (p > l);
            return k - 1;
        }

        private void fixed(StudyModel.Variable v) {
            Value.Call c = v.call();
            Value x = c.positional().isEmpty() ? c.arg("value") : c.positional().get(0);
            Object value = x instanceof Value.Str s ? (DateExpression.isIsoDate(s.value()) ? LocalDate.parse(s.value()) : s.value())
                    : x instanceof Value.Bool b ? (b.value() ? 1 : 0) : x instanceof Value.Num num ? (num.integer() ? (Object) num.asLong() : num.value()) : null;
            Object[] values = new Object[n];
            Arrays.fill(values, value);
            columns.put(v.name(), values);
        }

        /** Row-wise minimum or maximum of the visible inputs; dummy empties (0, 0.0) take part, as upstream's do. */
        private void aggregate(StudyModel.Variable v) {
            Value.Call c = v.call();
            boolean min = c.function().equals("minimum_of");
            List<Object[]> inputs = new ArrayList<>();
            for (Value x : c.positional()) {
                if (!(x instanceof Value.Str s)) continue;
                if (DateExpression.isIsoDate(s.value())) {
                    Object[] fixedDate = new Object[n];
                    Arrays.fill(fixedDate, LocalDate.parse(s.value()));
                    inputs.add(fixedDate);
                } else if (columns.containsKey(s.value())) {
                    inputs.add(columns.get(s.value()));
                } else {
                    problems.add("'" + v.name() + "' combines '" + s.value() + "', which is not an output column; dummy data for such helpers is not made here.");
                    return;
                }
            }
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                Object best = null;
                for (Object[] in : inputs) {
                    Object x = in[i];
                    if (x == null) continue;
                    if (best == null || (min ? compare(x, best) < 0 : compare(x, best) > 0)) best = x;
                }
                values[i] = best;
            }
            columns.put(v.name(), values);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int compare(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue());
            if (a instanceof Comparable ca && a.getClass() == b.getClass()) return ca.compareTo(b);
            return 0;
        }

        private Object[] patientIds() {
            Set<Integer> seen = new HashSet<>();
            Object[] ids = new Object[n];
            for (int i = 0; i < n; i++) {
                int id;
                do {
                    id = random.nextInt(Math.max(1, 10 * n));
                } while (!seen.add(id));
                ids[i] = id;
            }
            return ids;
        }

        // ----------------------------------------------------------------------------------------- values

        /** A static date expression (ISO date, index_date, today, with a function and an offset); empty when dynamic. */
        private Optional<LocalDate> date(String text) {
            if (DateExpression.isIsoDate(text)) return Optional.of(LocalDate.parse(text));
            DateExpression e = DateExpression.parse(text);
            if (!e.valid() || e.dynamic() || e.name() == null) return Optional.empty();
            LocalDate base = e.name().equals("today") ? today : index;
            if (base == null) return Optional.empty();
            String s = text.replace(" ", "");
            java.util.regex.Matcher offset = java.util.regex.Pattern.compile("([+-])(\\d+)([a-z]+)$").matcher(s);
            if (offset.find()) {
                long qty = Long.parseLong(offset.group(2)) * (offset.group(1).equals("-") ? -1 : 1);
                String unit = offset.group(3);
                base = unit.startsWith("day") ? base.plusDays(qty) : unit.startsWith("month") ? base.plusMonths(qty) : base.plusYears(qty);
            }
            if (e.function() != null) {
                base = switch (e.function()) {
                    case "first_day_of_month" -> base.with(TemporalAdjusters.firstDayOfMonth());
                    case "last_day_of_month" -> base.with(TemporalAdjusters.lastDayOfMonth());
                    case "first_day_of_year" -> base.with(TemporalAdjusters.firstDayOfYear());
                    case "last_day_of_year" -> base.with(TemporalAdjusters.lastDayOfYear());
                    default -> base;
                };
            }
            return Optional.of(base);
        }

        /** A field as cohort-extractor writes it: dates in the column's date_format, floats shortest. */
        private String format(String column, Object value) {
            if (value == null) return "";
            if (value instanceof LocalDate d) {
                StudyModel.Variable v = m.byName.get(column);
                String f = v == null ? "YYYY-MM-DD" : ColumnTypes.dateFormat(v, m);
                if ("YYYY-MM-DD".equals(f)) return d.toString();
                if ("YYYY-MM".equals(f)) return d.toString().substring(0, 7);
                return String.valueOf(d.getYear());
            }
            if (value instanceof Double x) return Values.pyFloat(x);
            return String.valueOf(value);
        }
    }
}
