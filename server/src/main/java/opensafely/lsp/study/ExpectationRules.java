package opensafely.lsp.study;

import java.util.List;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.study.Value.Origin;

/**
 * return_expectations / default_expectations, which drive dummy data. Problems here only break dummy data
 * generation (which is what runs locally), so they are warnings.
 */
final class ExpectationRules implements StudyRule {
    private static final Set<String> KEYS = Set.of("date", "rate", "incidence", "category", "int", "float", "bool");
    private static final Set<String> RATES = Set.of("exponential_increase", "uniform", "universal");
    /** Variables that are not generated from expectations. */
    private static final Set<String> NOT_GENERATED = Set.of("fixed_value", "minimum_of", "maximum_of", "with_value_from_file",
            "which_exist_in_file", "date_of");
    private static final Set<String> AGGREGATES = Set.of("minimum_of", "maximum_of");

    @Override
    public void check(StudyContext ctx) {
        Value.Call study = ctx.model.study;
        if (study == null) return;
        Value.Kw defaults = study.keyword("default_expectations");
        if (defaults != null) checkOwn(ctx, defaults.value(), defaults.anchor(), true);
        boolean noDefaults = defaults == null || defaults.value() instanceof Value.None
                || defaults.value() instanceof Value.DictV d && d.complete && d.entries.isEmpty();
        Value.DictV defaultDict = defaults != null && defaults.value() instanceof Value.DictV d ? d : null;
        if (defaults != null && defaultDict == null && !noDefaults) return; // defaults unknown: cannot judge merging
        for (StudyModel.Variable v : ctx.model.variables) {
            if (v.parent() != null || v.name().equals("population")) continue;
            Value.Call c = v.call();
            if (c == null || c.open() || NOT_GENERATED.contains(c.function()) || ctx.catalog.function(c.function()).isEmpty()) continue;
            Value own = c.arg("return_expectations");
            boolean ownEmpty = own == null || own instanceof Value.None || own instanceof Value.DictV d && d.complete && d.entries.isEmpty();
            if (ownEmpty && noDefaults) {
                ctx.report(Rule.STUDY_EXPECTATIONS_MISSING, v.nameOrigin(), v.kw().anchor(), "'" + v.name() + "' has no return_expectations and the "
                        + "study has no default_expectations, so dummy data cannot be generated.");
                continue;
            }
            if (own != null && !(own instanceof Value.DictV) && !(own instanceof Value.None)) continue;
            Value.DictV ownDict = own instanceof Value.DictV d ? d : null;
            if (ownDict != null && !ownDict.complete || defaultDict != null && !defaultDict.complete) continue;
            if (!has(ownDict, defaultDict, "date", "earliest") || !has(ownDict, defaultDict, "date", "latest")) {
                ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, ownDict != null ? own.origin() : v.nameOrigin(), v.kw().anchor(),
                        "'" + v.name() + "' must define date.earliest and date.latest expectations (in its own or the default expectations), "
                                + "even if it is not a date.");
            }
            String rate = str(ownDict, "rate") != null ? str(ownDict, "rate") : str(defaultDict, "rate");
            boolean incidence = (ownDict != null && ownDict.get("incidence") != null) || (defaultDict != null && defaultDict.get("incidence") != null);
            if (!incidence && !"universal".equals(rate)) {
                ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, ownDict != null ? own.origin() : v.nameOrigin(), v.kw().anchor(),
                        "'" + v.name() + "' needs an incidence (or rate \"universal\") in its expectations.");
            }
        }
    }

    private static String str(Value.DictV d, String key) {
        return d != null && d.get(key) instanceof Value.Str s ? s.value() : null;
    }

    private static boolean has(Value.DictV own, Value.DictV defaults, String key, String sub) {
        for (Value.DictV d : new Value.DictV[] {own, defaults}) {
            if (d == null) continue;
            Value v = d.get(key);
            if (v instanceof Value.DictV inner && (!inner.complete || inner.get(sub) != null)) return true;
            if (v != null && !(v instanceof Value.DictV)) return true; // not a dict: reported by the schema check
        }
        return false;
    }

    /**
     * Whether dummy data generation draws this variable from its expectations. A nested (hidden) variable is
     * generated only as an input of minimum_of/maximum_of (by a sub-study); the nested variables of
     * categorised_as and satisfying are never generated, so their return_expectations are never used.
     */
    static boolean generated(StudyModel.Variable v) {
        if (v.derived()) return false;
        for (StudyModel.Variable x = v; x.hidden(); x = x.parent()) {
            Value.Call parent = x.parent().call();
            if (parent == null || !AGGREGATES.contains(parent.function())) return false;
        }
        return true;
    }

    /**
     * The shape of one expectations dict. For a variable that is never generated ({@code generated} false) only
     * what cohort-extractor evaluates when it loads the study is checked: the date expressions.
     */
    static void checkOwn(StudyContext ctx, Value v, Origin anchor, boolean generated) {
        if (!(v instanceof Value.DictV d)) return;
        for (Value.Entry e : d.entries) {
            String k = e.keyString();
            if (k == null) continue;
            if (!generated && !k.equals("date")) continue;
            Value x = e.value();
            Origin at = x.origin() != null ? x.origin() : e.keyOrigin();
            if (!KEYS.contains(k)) {
                ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, e.keyOrigin(), anchor, "Unexpected expectations key '" + k + "'; allowed are "
                        + "date, rate, incidence, category, int, float, bool." + DidYouMean.suffix(DidYouMean.closest(k, KEYS)));
                continue;
            }
            switch (k) {
                case "rate" -> {
                    if (x instanceof Value.Str s && !RATES.contains(s.value())) {
                        ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, at, anchor, "rate must be \"exponential_increase\", \"uniform\" or \"universal\".");
                    }
                }
                case "incidence" -> {
                    if (x instanceof Value.Num n && (n.value() <= 0 || n.value() > 1)) {
                        ctx.report(Rule.STUDY_EXPECTATIONS_INCIDENCE, at, anchor, "incidence must be greater than 0 and at most 1, not "
                                + Values.str(n) + ".");
                    } else if (x instanceof Value.Str) {
                        ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, at, anchor, "incidence must be a number between 0 and 1.");
                    }
                }
                case "date" -> date(ctx, x, anchor);
                case "category" -> category(ctx, x, at, anchor);
                case "int" -> distribution(ctx, x, at, anchor, List.of("normal", "poisson", "population_ages"));
                case "float" -> distribution(ctx, x, at, anchor, List.of("normal"));
                default -> {
                }
            }
        }
    }

    private static void date(StudyContext ctx, Value x, Origin anchor) {
        if (!(x instanceof Value.DictV d)) return;
        for (Value.Entry e : d.entries) {
            String k = e.keyString();
            if (k == null) continue;
            if (!k.equals("earliest") && !k.equals("latest")) {
                // Other keys are ignored by cohort-extractor: worth a note, not a warning.
                ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, opensafely.lsp.diagnostics.Severity.INFORMATION, e.keyOrigin(), anchor,
                        "date expectations only use 'earliest' and 'latest'; '" + k + "' is ignored.");
                continue;
            }
            if (e.value() instanceof Value.Str s) {
                DateExpression de = DateExpression.parse(s.value());
                if (!de.valid()) {
                    ctx.report(Rule.STUDY_EXPECTATIONS_DATE, s.origin(), anchor, de.error());
                } else if (de.dynamic()) {
                    ctx.report(Rule.STUDY_EXPECTATIONS_DATE, s.origin(), anchor, "Expectation dates cannot refer to variables ('" + de.name()
                            + "'); use a date, index_date or today.");
                }
            }
        }
    }

    private static void category(StudyContext ctx, Value x, Origin at, Origin anchor) {
        if (!(x instanceof Value.DictV d) || !d.complete) return;
        Value ratios = d.get("ratios");
        if (ratios == null) {
            ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, at, anchor, "category expectations need 'ratios': {value: probability, ...}.");
            return;
        }
        if (!(ratios instanceof Value.DictV r) || !r.complete) return;
        double sum = 0;
        for (Value.Entry e : r.entries) {
            if (!(e.value() instanceof Value.Num n)) return;
            if (n.value() < 0) {
                ctx.report(Rule.STUDY_EXPECTATIONS_RATIOS, n.origin(), anchor, "Ratios cannot be negative.");
                return;
            }
            sum += n.value();
        }
        if (Math.abs(sum - 1) > 1e-8 + 1e-5) {
            ctx.report(Rule.STUDY_EXPECTATIONS_RATIOS, ratios.origin(), anchor, "The ratios add up to " + round(sum) + ", not 1.");
        }
    }

    private static String round(double d) {
        return java.math.BigDecimal.valueOf(d).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static void distribution(StudyContext ctx, Value x, Origin at, Origin anchor, List<String> allowed) {
        if (!(x instanceof Value.DictV d) || !d.complete) return;
        Value dist = d.get("distribution");
        if (!(dist instanceof Value.Str s)) {
            if (dist == null) ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, at, anchor, "Give a 'distribution': " + String.join(", ", allowed) + ".");
            return;
        }
        if (!allowed.contains(s.value())) {
            ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, s.origin(), anchor, "Unsupported distribution \"" + s.value() + "\"; use "
                    + String.join(", ", allowed) + ".");
            return;
        }
        List<String> needs = s.value().equals("normal") ? List.of("mean", "stddev") : s.value().equals("poisson") ? List.of("mean") : List.of();
        for (String n : needs) {
            if (d.get(n) == null) ctx.report(Rule.STUDY_EXPECTATIONS_SCHEMA, at, anchor, "The " + s.value() + " distribution needs '" + n + "'.");
        }
    }
}
