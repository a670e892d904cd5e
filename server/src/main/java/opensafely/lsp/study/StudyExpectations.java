package opensafely.lsp.study;

import java.util.LinkedHashMap;
import java.util.Map;

/** A variable's return_expectations merged over the study's default_expectations (dummy-data.md section 3). */
final class StudyExpectations {
    private StudyExpectations() {
    }

    /** The variable's expectations merged over the study's defaults; a derived date column uses its source's. */
    static Map<String, Object> of(StudyModel.Variable v, Value.DictV defaults) {
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

    /** Why cohort-extractor would reject this distribution for the type, or null. */
    static String distributionProblem(String type, Map<?, ?> dist) {
        String d = String.valueOf(dist.get("distribution"));
        boolean mean = dist.get("mean") instanceof Double;
        boolean sd = dist.get("stddev") instanceof Double;
        if (d.equals("normal")) return mean && sd ? null : "a normal distribution needs a mean and a stddev.";
        if (type.equals("float")) return "only normal distributions are supported for floats.";
        if (d.equals("poisson")) return mean ? null : "a poisson distribution needs a mean.";
        if (d.equals("population_ages")) return null;
        return "unknown distribution '" + d + "' for ints (normal, poisson or population_ages).";
    }
}
