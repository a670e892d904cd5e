package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.study.StudyModel.Variable;
import opensafely.lsp.study.Value.Origin;

/**
 * Checks each variable's {@code patients.*} call against the catalog: the function, its arguments, their
 * values and combinations, dates, codelists and references to other variables. Only literal values the
 * evaluator fully knows are judged.
 */
final class CallRules implements StudyRule {
    /** Parameters that have a default but fail at load without a real value. */
    private static final Map<String, List<String>> EFFECTIVELY_REQUIRED = Map.of(
            "random_sample", List.of("percent"),
            "with_test_result_in_sgss", List.of("pathogen"),
            "address_as_of", List.of("returning"),
            "registered_practice_as_of", List.of("returning"),
            "with_record_in_ukrr", List.of("returning"),
            "with_ethnicity_from_sus", List.of("returning", "use_most_frequent_code"),
            "household_as_of", List.of("returning"));
    /** Sources that accept include_date_of_match, so date_of() may point at them. */
    private static final Set<String> DATED_SOURCES = Set.of("with_these_clinical_events", "with_these_medications",
            "most_recent_bmi", "mean_recorded_value", "min_recorded_value", "max_recorded_value", "with_gp_consultations",
            "with_test_result_in_sgss", "with_tpp_vaccination_record", "with_vaccination_record", "with_covid_therapeutics",
            "with_high_cost_drugs");

    @Override
    public void check(StudyContext ctx) {
        Map<Value.Call, Boolean> seen = new IdentityHashMap<>();
        for (Variable v : ctx.model.variables) {
            if (v.derived()) continue;
            Value.Call c = v.call();
            if (c == null) {
                reportNotACall(ctx, v);
                continue;
            }
            boolean first = seen.put(c, Boolean.TRUE) == null;
            new Check(ctx, v, c, first).run();
        }
    }

    /** A value that surely is no patients.* query (a literal, a dict, a codelist; a tuple might be one written by hand). */
    static boolean notAVariable(Value x) {
        return x instanceof Value.Str || x instanceof Value.Num || x instanceof Value.Bool || x instanceof Value.DictV
                || x instanceof Value.Codelist;
    }

    private static void reportNotACall(StudyContext ctx, Variable v) {
        Value x = v.value();
        if (x instanceof Value.Str || x instanceof Value.Num || x instanceof Value.Bool || x instanceof Value.DictV
                || x instanceof Value.Codelist || (x instanceof Value.ListV)) {
            ctx.report(Rule.STUDY_WRONG_TYPE, Severity.ERROR, v.kw().valueOrigin(), v.kw().anchor(),
                    "Variable '" + v.name() + "' must be defined by a patients.* function, not " + Values.describe(x) + ".");
        }
    }

    private static final class Check {
        final StudyContext ctx;
        final Variable var;
        final Value.Call c;
        final boolean first;
        final Origin anchor;
        Catalog.Function fn;

        Check(StudyContext ctx, Variable var, Value.Call c, boolean first) {
            this.ctx = ctx;
            this.var = var;
            this.c = c;
            this.first = first;
            this.anchor = var.kw().anchor();
        }

        void report(Rule rule, Origin at, String message, Fix... fixes) {
            if (first || at == null || at.file() != ctx.doc) ctx.report(rule, at, anchor, message, fixes);
        }

        void report(Rule rule, Severity s, Origin at, String message) {
            ctx.report(rule, s, at, anchor, message);
        }

        void run() {
            Optional<Catalog.Function> f = ctx.catalog.function(c.function());
            if (f.isEmpty()) {
                Optional<String> s = DidYouMean.closest(c.function(), ctx.catalog.functionNames());
                Fix[] fixes = s.map(x -> new Fix[] {Fix.replace("Change to '" + x + "'", c.nameOrigin().range(), x)}).orElse(new Fix[0]);
                report(Rule.STUDY_UNKNOWN_FUNCTION, c.nameOrigin(), "cohort-extractor has no function patients." + c.function() + "."
                        + DidYouMean.suffix(s), fixes);
                return;
            }
            fn = f.get();
            if (fn.name().equals("with_complete_history_between")) {
                report(Rule.STUDY_UNSUPPORTED_FUNCTION, c.nameOrigin(), "patients.with_complete_history_between is not implemented by "
                        + "the TPP backend; loading the study raises NotImplementedError. Use with_complete_gp_consultation_history_between.");
            }
            Map<String, Value> given = arguments();
            if (given == null) return;
            missing(given);
            for (Map.Entry<String, Value> e : given.entrySet()) value(e.getKey(), e.getValue());
            conflicts(given);
            references(given);
            new ExpressionRules(ctx, var, c, anchor, first).check(fn);
            Value exp = given.get("return_expectations");
            if (exp != null && first) ExpectationRules.checkOwn(ctx, exp, anchor, ExpectationRules.generated(var));
        }

        /** Maps positional and keyword arguments to parameter names; reports unknown ones. Null when hopeless. */
        private Map<String, Value> arguments() {
            Map<String, Value> given = new java.util.LinkedHashMap<>();
            List<Catalog.Param> named = fn.named();
            boolean varPositional = fn.params().stream().anyMatch(Catalog.Param::varPositional);
            for (int i = 0; i < c.positional().size(); i++) {
                if (varPositional) break;
                if (i < named.size()) {
                    given.put(named.get(i).name(), c.positional().get(i));
                } else {
                    report(Rule.STUDY_UNKNOWN_ARGUMENT, c.positionalOrigins().get(i), "patients." + fn.name() + " takes at most "
                            + named.size() + " positional argument" + (named.size() == 1 ? "" : "s") + "; pass the others by name.");
                }
            }
            for (Value.Kw k : c.keywords()) {
                Optional<Catalog.Param> p = fn.param(k.name());
                if (p.isPresent() && p.get().kind() == null) {
                    given.put(k.name(), k.value());
                    if (p.get().deprecated()) {
                        report(Rule.STUDY_DEPRECATED_ARGUMENT, k.nameOrigin(), "'" + k.name() + "' is deprecated: "
                                + (k.name().startsWith("include_") ? "use date_format= instead." : "use returning= instead."));
                    }
                    continue;
                }
                if (fn.acceptsAnyKeyword()) {
                    if (k.name().equals("return_expectations") && (fn.name().equals("minimum_of") || fn.name().equals("maximum_of"))) {
                        report(Rule.STUDY_UNKNOWN_ARGUMENT, k.nameOrigin(), "patients." + fn.name() + " does not accept return_expectations: "
                                + "its dummy data is derived from its inputs.");
                    } else if (notAVariable(k.value())) {
                        // An extra keyword defines a hidden variable; cohort-extractor fails to unpack anything but a patients.* query.
                        Optional<String> s = DidYouMean.closest(k.name(), fn.named().stream().map(Catalog.Param::name).toList());
                        Fix[] fixes = s.map(x -> new Fix[] {Fix.replace("Change to '" + x + "'", k.nameOrigin().range(), x)}).orElse(new Fix[0]);
                        report(Rule.STUDY_UNKNOWN_ARGUMENT, k.nameOrigin(), "patients." + fn.name() + " has no argument '" + k.name()
                                + "', and as an extra (hidden) variable it would need a patients.* function, not " + Values.describe(k.value()) + "."
                                + DidYouMean.suffix(s), fixes);
                    }
                    continue;
                }
                Optional<String> s = DidYouMean.closest(k.name(), fn.named().stream().map(Catalog.Param::name).toList());
                Fix[] fixes = s.map(x -> new Fix[] {Fix.replace("Change to '" + x + "'", k.nameOrigin().range(), x)}).orElse(new Fix[0]);
                report(Rule.STUDY_UNKNOWN_ARGUMENT, k.nameOrigin(), "patients." + fn.name() + " has no argument '" + k.name() + "'."
                        + DidYouMean.suffix(s), fixes);
            }
            return given;
        }

        private void missing(Map<String, Value> given) {
            if (c.open()) return;
            List<String> absent = new ArrayList<>();
            for (Catalog.Param p : fn.required()) if (!given.containsKey(p.name())) absent.add(p.name());
            for (String p : EFFECTIVELY_REQUIRED.getOrDefault(fn.name(), List.of())) {
                if (!given.containsKey(p)) absent.add(p);
            }
            if (fn.name().equals("with_value_from_file") || fn.name().equals("which_exist_in_file") || absent.isEmpty()) {
                if (absent.isEmpty()) return;
            }
            for (String p : absent) {
                report(Rule.STUDY_MISSING_ARGUMENT, c.nameOrigin(), "patients." + fn.name() + " needs '" + p + "'"
                        + (fn.required().stream().anyMatch(x -> x.name().equals(p)) ? "." : ": without it loading the study fails."));
            }
        }

        private Origin at(String param) {
            Value.Kw k = c.keyword(param);
            if (k != null) return k.valueOrigin();
            int idx = fn.named().stream().map(Catalog.Param::name).toList().indexOf(param);
            if (idx >= 0 && idx < c.positionalOrigins().size()) return c.positionalOrigins().get(idx);
            return c.nameOrigin();
        }

        private Origin nameAt(String param) {
            Value.Kw k = c.keyword(param);
            return k != null ? k.nameOrigin() : at(param);
        }

        private void value(String name, Value v) {
            Catalog.Param p = fn.param(name).orElse(null);
            if (p == null || v == Value.UNKNOWN) return;
            Origin at = at(name);
            String type = p.type();
            // Enumerated values.
            if (name.equals("returning") && fn.name().equals("with_an_isaric_record")) {
                if (v instanceof Value.Str s && !ctx.catalog.isaricColumns.containsKey(s.value())) {
                    report(Rule.STUDY_INVALID_RETURNING, at, "'" + s.value() + "' is not an ISARIC column." + DidYouMean.suffix(
                            DidYouMean.closest(s.value(), ctx.catalog.isaricColumns.keySet())));
                }
                return;
            }
            if (name.equals("date_filter_column")) {
                if (v instanceof Value.Str s && !"date".equals(ctx.catalog.isaricColumns.get(s.value()))) {
                    report(Rule.STUDY_INVALID_VALUE, at, "'" + s.value() + "' is not a date column of the ISARIC data.");
                }
                return;
            }
            if (name.equals("returning") && fn.name().equals("registered_practice_as_of") && v instanceof Value.Str s
                    && s.value().startsWith("rct__germdefence__")) {
                return;
            }
            if (name.equals("returning") && fn.name().equals("with_value_from_file")) {
                if (v instanceof Value.Str s && !s.value().matches("^\\w+$")) {
                    report(Rule.STUDY_INVALID_VALUE, at, "returning must be a column name of letters, digits and underscores.");
                }
                return;
            }
            if (name.equals("date_format")) {
                dateFormat(v, p, at);
                return;
            }
            if (p.allowed() != null && !type.equals("date_expr") && !type.startsWith("str_or_list")) {
                boolean judge = type.equals("bool") ? v instanceof Value.Bool || v instanceof Value.None || v instanceof Value.Str
                        : Values.known(v);
                if (judge && p.allowed().stream().noneMatch(a -> Values.matches(v, a))) {
                    String allowed = String.join(", ", p.allowed().stream().map(Values::pythonLiteral).toList());
                    if (name.equals("returning")) {
                        String extra = v instanceof Value.Str s && s.value().equals("nhse_region_name") ? " Use \"nuts1_region_name\"." : "";
                        Optional<String> sug = v instanceof Value.Str s ? DidYouMean.closest(s.value(),
                                p.allowed().stream().filter(x -> x instanceof String).map(x -> (String) x).toList()) : Optional.empty();
                        Fix[] fixes = sug.map(x -> new Fix[] {Fix.replace("Change to \"" + x + "\"", at.range(), "\"" + x + "\"")}).orElse(new Fix[0]);
                        report(Rule.STUDY_INVALID_RETURNING, at, "patients." + fn.name() + " cannot return " + Values.pythonLiteral(
                                v instanceof Value.Str s ? s.value() : Values.str(v)) + "; use one of " + allowed + "." + extra
                                + (extra.isEmpty() ? DidYouMean.suffix(sug) : ""), fixes);
                    } else {
                        report(Rule.STUDY_INVALID_VALUE, at, "'" + name + "' of patients." + fn.name() + " must be one of " + allowed
                                + (p.doc().isEmpty() ? "." : ". " + p.doc()));
                    }
                }
                return;
            }
            if (name.equals("with_these_indications")) {
                List<Value> items = v instanceof Value.Str ? List.of(v) : v instanceof Value.ListV l ? l.items : List.of();
                for (Value x : items) {
                    if (x instanceof Value.Str s && p.allowed() != null && p.allowed().stream().noneMatch(a -> Values.matches(s, a))) {
                        report(Rule.STUDY_INVALID_VALUE, x.origin() != null ? x.origin() : at, "'" + s.value() + "' is not a valid indication; "
                                + "options are " + String.join(", ", p.allowed().stream().map(Values::pythonLiteral).toList()) + ".");
                    }
                }
            }
            switch (type) {
                case "date_expr" -> date(v, at, name);
                case "date_expr_pair" -> {
                    if (v instanceof Value.None) return;
                    if (v instanceof Value.ListV l) {
                        if (!l.complete) return;
                        if (l.items.size() != 2) {
                            report(Rule.STUDY_WRONG_TYPE, Severity.ERROR, at, "'between' should be a pair of dates [start, end], not "
                                    + l.items.size() + " item" + (l.items.size() == 1 ? "" : "s") + ".");
                            return;
                        }
                        for (Value x : l.items) date(x, x.origin() != null ? x.origin() : at, name);
                        if (l.items.get(0) instanceof Value.Str a && l.items.get(1) instanceof Value.Str b
                                && DateExpression.isIsoDate(a.value()) && DateExpression.isIsoDate(b.value()) && a.value().compareTo(b.value()) > 0) {
                            // Sure of a slip only when both dates are written as literals; a date computed or read from a
                            // config file may make the period empty on purpose for one run (a wave before vaccination).
                            boolean literal = a.contentStart() >= 0 && b.contentStart() >= 0;
                            report(Rule.STUDY_WRONG_TYPE, literal ? Severity.WARNING : Severity.INFORMATION, at, "The period starts ("
                                    + a.value() + ") after it ends (" + b.value() + "), so nothing can match.");
                        }
                    } else if (Values.known(v) || v instanceof Value.DictV) {
                        report(Rule.STUDY_WRONG_TYPE, Severity.ERROR, at, "'between' should be a pair of dates [start, end], not " + Values.describe(v) + ".");
                    }
                }
                case "bool" -> {
                    if (v instanceof Value.Str || v instanceof Value.ListV || v instanceof Value.DictV) {
                        report(Rule.STUDY_WRONG_TYPE, at, "'" + name + "' is True or False, not " + Values.describe(v) + ".");
                    }
                }
                case "int" -> {
                    if (v instanceof Value.Str || (v instanceof Value.Num n && !n.integer())) {
                        report(Rule.STUDY_WRONG_TYPE, at, "'" + name + "' is a whole number, not " + Values.describe(v) + ".");
                    }
                }
                case "codelist" -> codelist(name, v, p, at);
                case "expression", "column_ref" -> {
                    if (Values.known(v) && !(v instanceof Value.Str)) {
                        report(Rule.STUDY_WRONG_TYPE, Severity.ERROR, at, "'" + name + "' must be a string, not " + Values.describe(v) + ".");
                    }
                }
                case "expectations" -> {
                    if (Values.known(v) && !(v instanceof Value.None)) {
                        report(Rule.STUDY_WRONG_TYPE, at, "return_expectations must be a dict, not " + Values.describe(v) + ".");
                    }
                }
                default -> {
                }
            }
        }

        private void dateFormat(Value v, Catalog.Param p, Origin at) {
            if (!(v instanceof Value.Str) && !(v instanceof Value.None)) return;
            String s = v instanceof Value.Str x ? x.value() : null;
            boolean standard = s == null || s.equals("YYYY") || s.equals("YYYY-MM") || s.equals("YYYY-MM-DD");
            if (s != null && s.equals("YYYY-MM-DD") && (fn.name().equals("date_of_birth") || fn.name().equals("with_high_cost_drugs"))) {
                report(Rule.STUDY_INVALID_DATE_FORMAT, at, fn.name().equals("date_of_birth")
                        ? "Date of birth is only available to the month: use \"YYYY-MM\"."
                        : "High cost drugs data has no day-level dates: use \"YYYY-MM\".");
                return;
            }
            if (standard) return;
            String type = ColumnTypes.type(var, ctx.model);
            boolean dated = "date".equals(type) || truthyArg("include_date_of_match") || truthyArg("include_measurement_date");
            Optional<String> sug = DidYouMean.closest(s, List.of("YYYY", "YYYY-MM", "YYYY-MM-DD"));
            Fix[] fixes = sug.map(x -> new Fix[] {Fix.replace("Change to \"" + x + "\"", at.range(), "\"" + x + "\"")}).orElse(new Fix[0]);
            String msg = "Unhandled date format \"" + s + "\": use \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"." + DidYouMean.suffix(sug);
            if (dated) report(Rule.STUDY_INVALID_DATE_FORMAT, at, msg, fixes);
            else if (type != null) report(Rule.STUDY_INVALID_DATE_FORMAT, Severity.WARNING, at, msg + " (It is ignored on this " + type + " column.)");
        }

        private boolean truthyArg(String name) {
            Value v = c.arg(name);
            return v != null && Boolean.TRUE.equals(Values.truthy(v));
        }

        private boolean given(String name) {
            Value v = c.arg(name);
            return v != null && !(v instanceof Value.None);
        }

        /** A date argument: a literal date or a date expression, possibly naming an earlier date variable. */
        private void date(Value v, Origin at, String param) {
            if (!(v instanceof Value.Str s)) {
                if (v instanceof Value.Num || v instanceof Value.Bool || v instanceof Value.ListV || v instanceof Value.DictV) {
                    report(Rule.STUDY_WRONG_TYPE, at, "'" + param + "' expects a date string such as \"2020-01-01\" or \"index_date\", not "
                            + Values.describe(v) + ".");
                }
                return;
            }
            DateExpression d = DateExpression.parse(s.value());
            if (!d.valid()) {
                report(Rule.STUDY_INVALID_DATE, at, d.error());
                return;
            }
            if (!d.dynamic()) return;
            StudyModel.Variable ref = ctx.model.before(d.name(), var.order());
            if (ref == null) {
                if (ctx.model.byName.containsKey(d.name())) {
                    report(Rule.STUDY_DATE_REFERENCE, at, "'" + d.name() + "' is defined after '" + var.name()
                            + "'; a date expression can only use variables defined earlier.");
                } else if (!ctx.model.open && !ctx.model.env.openStarImport) {
                    report(Rule.STUDY_INVALID_DATE, at, "Unknown date name '" + d.name() + "': use index_date, today, or a date variable defined earlier."
                            + DidYouMean.suffix(DidYouMean.closest(d.name(), ctx.model.byName.keySet())));
                }
                return;
            }
            if (d.function() != null && !ctx.catalog.dateFunctionsWithColumn.contains(d.function())) {
                report(Rule.STUDY_DATE_REFERENCE, at, d.function() + " cannot be applied to a variable, only to index_date or today.");
            }
            String type = ColumnTypes.type(ref, ctx.model);
            if (type != null && !type.equals("date")) {
                report(Rule.STUDY_DATE_REFERENCE, at, "'" + d.name() + "' is not a date (it is " + type + "), so it cannot be used in a date expression.");
                return;
            }
            String fmt = type == null ? null : ColumnTypes.dateFormat(ref, ctx.model);
            if ("YYYY".equals(fmt) || "None".equals(fmt)) {
                report(Rule.STUDY_DATE_REFERENCE, at, "'" + d.name() + "' only has year precision (date_format "
                        + ("None".equals(fmt) ? "not set" : "\"YYYY\"") + "); give it date_format=\"YYYY-MM-DD\" to use it in date expressions.");
            }
        }

        private void codelist(String name, Value v, Catalog.Param p, Origin at) {
            if (v instanceof Value.Str || v instanceof Value.Num || v instanceof Value.Bool || v instanceof Value.DictV) {
                report(Rule.STUDY_WRONG_TYPE, Severity.ERROR, at, "'" + name + "' needs a codelist (codelist_from_csv(...) or codelist(...)), not "
                        + Values.describe(v) + ".");
                return;
            }
            if (!(v instanceof Value.Codelist cl) || cl.system() == null || p.systems().isEmpty()) return;
            // The EMIS backend also takes 'snomedct' where TPP takes 'snomed'; which backend runs the study is not
            // written anywhere in it, so that is not judged.
            boolean emisAccepts = cl.system().equals("snomedct") && p.systems().contains("snomed");
            if (!p.systems().contains(cl.system()) && !emisAccepts) {
                Origin where = cl.systemOrigin() != null && cl.systemOrigin().file() == ctx.doc ? at : at;
                report(Rule.STUDY_CODELIST_SYSTEM, where, "'" + name + "' of patients." + fn.name() + " needs a "
                        + String.join(" or ", p.systems()) + " codelist, but this one is '" + cl.system() + "'.");
            }
        }

        private void conflicts(Map<String, Value> given) {
            if (given("between") && (truthyArg("on_or_before") || truthyArg("on_or_after"))) {
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt("between"), "'between' cannot be combined with 'on_or_before' or 'on_or_after'.");
            }
            if ((truthyArg("include_month") || truthyArg("include_day")) && c.arg("date_format") instanceof Value.Str) {
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt("date_format"), "date_format cannot be combined with the deprecated include_month/include_day.");
            }
            if (truthyArg("find_first_match_in_period") && truthyArg("find_last_match_in_period")) {
                // Most functions quietly take the first; the decision-support query asserts that only one is set.
                boolean asserts = fn.name().equals("with_these_decision_support_values");
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, asserts ? Severity.ERROR : Severity.WARNING, nameAt("find_last_match_in_period"),
                        "find_first_match_in_period and find_last_match_in_period are both set; "
                                + (asserts ? "patients." + fn.name() + " fails on that. Keep one." : "only one can apply."));
            }
            // The TPP backend holds household data for one date only (and the EMIS backend none at all).
            if (fn.name().equals("household_as_of") && c.positional().size() >= 1 && c.positional().get(0) instanceof Value.Str d
                    && DateExpression.isIsoDate(d.value()) && !d.value().equals("2020-02-01")) {
                report(Rule.STUDY_INVALID_VALUE, c.positionalOrigins().get(0), "Household data exists only as of 2020-02-01: "
                        + "patients.household_as_of fails for '" + d.value() + "'. Use \"2020-02-01\".");
            }
            if (fn.name().equals("categorised_as")) ratiosAmongCategories();
            if (fn.name().equals("with_value_from_file") && c.positional().size() >= 1 && c.positional().get(0) instanceof Value.Str f
                    && !f.value().endsWith(".csv") && !f.value().endsWith(".csv.gz")) {
                report(Rule.STUDY_INVALID_VALUE, c.positionalOrigins().get(0), "with_value_from_file reads a .csv or .csv.gz file, not '"
                        + f.value() + "'.");
            }
            String returning = fn.byReturning().isEmpty() ? null : ColumnTypes.returning(c, fn);
            if (given("episode_defined_as") && returning != null && !returning.equals("number_of_episodes")) {
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt("episode_defined_as"), "episode_defined_as only applies with returning=\"number_of_episodes\".");
            }
            if (c.arg("episode_defined_as") instanceof Value.Str s && !s.value().matches("^series of events each <= (\\d+) days apart$")) {
                report(Rule.STUDY_INVALID_VALUE, at("episode_defined_as"), "episode_defined_as must read \"series of events each <= N days apart\".");
            }
            if ("number_of_episodes".equals(returning)) {
                for (String bad : List.of("find_first_match_in_period", "find_last_match_in_period", "include_date_of_match")) {
                    if (truthyArg(bad)) report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt(bad), bad + " cannot be used with returning=\"number_of_episodes\".");
                }
            }
            if (truthyArg("include_measurement_date") && fn.name().endsWith("_recorded_value") && !truthyArg("on_most_recent_day_of_measurement")
                    && !c.open()) {
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt("include_measurement_date"),
                        "include_measurement_date needs on_most_recent_day_of_measurement=True.");
            }
            if (fn.name().equals("address_as_of") && returning == null) {
                Value r = c.arg("returning");
                Value round = c.arg("round_to_nearest");
                if (r instanceof Value.Str s && !c.open()) {
                    boolean hundred = round instanceof Value.Num n && n.value() == 100;
                    boolean none = round == null || round instanceof Value.None;
                    if (s.value().equals("index_of_multiple_deprivation") && none) {
                        report(Rule.STUDY_MISSING_ARGUMENT, c.nameOrigin(), "returning=\"index_of_multiple_deprivation\" needs round_to_nearest=100.");
                    } else if (s.value().equals("rural_urban_classification") && hundred) {
                        report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt("round_to_nearest"), "round_to_nearest cannot be used with rural_urban_classification.");
                    }
                }
            }
            if (fn.name().equals("with_an_isaric_record") && !c.open() && given("between") != given("date_filter_column")) {
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, given("between") ? nameAt("between") : nameAt("date_filter_column"),
                        "'between' and 'date_filter_column' must be given together.");
            }
            if (fn.name().equals("admitted_to_hospital") && returning != null && returning.startsWith("total_")) {
                for (String bad : List.of("find_first_match_in_period", "find_last_match_in_period")) {
                    if (truthyArg(bad)) report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt(bad), bad + " cannot be used with returning=\"" + returning + "\".");
                }
            }
            if (fn.name().equals("with_these_decision_support_values") && truthyArg("include_date_of_match")) {
                report(Rule.STUDY_CONFLICTING_ARGUMENTS, nameAt("include_date_of_match"),
                        "include_date_of_match is not supported by with_these_decision_support_values (TypeError at load).");
            }
            if (fn.name().equals("with_test_result_in_sgss") && returning != null && !c.open()) {
                Value restrict = c.arg("restrict_to_earliest_specimen_date");
                Boolean r = restrict == null ? Boolean.TRUE : Values.truthy(restrict);
                if (r != null) {
                    if (returning.equals("case_category")) {
                        Value tr = c.arg("test_result");
                        if (!r || !(tr instanceof Value.Str t && t.value().equals("positive")) && (tr == null || Values.known(tr))) {
                            report(Rule.STUDY_CONFLICTING_ARGUMENTS, at("returning"),
                                    "returning=\"case_category\" needs restrict_to_earliest_specimen_date=True and test_result=\"positive\".");
                        }
                    } else if (Set.of("variant", "variant_detection_method", "symptomatic", "number_of_matches_in_period").contains(returning) && r) {
                        report(Rule.STUDY_CONFLICTING_ARGUMENTS, at("returning"), "returning=\"" + returning
                                + "\" needs restrict_to_earliest_specimen_date=False.");
                    }
                }
            }
            if ("category".equals(returning)) {
                Value cl = given.get("codelist");
                if (cl instanceof Value.Codelist x && Boolean.FALSE.equals(x.categorised())) {
                    report(Rule.STUDY_CODELIST_NO_CATEGORIES, at("codelist"), "returning=\"category\" needs a codelist with categories "
                            + "(codelist_from_csv(..., category_column=...)).");
                }
            }
        }

        /** date_of / comparator_from / reference ranges and minimum_of / maximum_of name other variables. */
        private void references(Map<String, Value> given) {
            if (Set.of("date_of", "comparator_from", "reference_range_lower_bound_from", "reference_range_upper_bound_from").contains(fn.name())) {
                Value src = given.get("source");
                if (!(src instanceof Value.Str s)) return;
                StudyModel.Variable ref = source(s.value(), at("source"));
                if (ref == null || ref.call() == null) return;
                String srcFn = ref.call().function();
                if (fn.name().equals("date_of")) {
                    if (!DATED_SOURCES.contains(srcFn) && ctx.catalog.function(srcFn).isPresent()) {
                        report(Rule.STUDY_SOURCE_REFERENCE, at("source"), "date_of cannot take the date of '" + s.value() + "' (patients."
                                + srcFn + " has no date of match).");
                    }
                } else {
                    Catalog.Function sf = ctx.catalog.function(srcFn).orElse(null);
                    String r = sf == null ? null : ColumnTypes.returning(ref.call(), sf);
                    if (sf != null && (!srcFn.equals("with_these_clinical_events") || r != null && !r.equals("numeric_value"))) {
                        report(Rule.STUDY_SOURCE_REFERENCE, at("source"), fn.name() + " needs a source defined as "
                                + "with_these_clinical_events(returning=\"numeric_value\").");
                    }
                }
            }
            if (fn.name().equals("minimum_of") || fn.name().equals("maximum_of")) {
                for (int i = 0; i < c.positional().size(); i++) {
                    Value x = c.positional().get(i);
                    if (x instanceof Value.Str s && !DateExpression.isIsoDate(s.value())) source(s.value(), c.positionalOrigins().get(i));
                }
                Map<String, String> formats = new LinkedHashMap<>();
                if (dateFormats(c, var.order(), formats, 0) && new java.util.HashSet<>(formats.values()).size() > 1) {
                    report(Rule.STUDY_CONFLICTING_ARGUMENTS, c.nameOrigin(), fn.name() + " cannot compare dates of different formats: "
                            + String.join(", ", formats.entrySet().stream().map(e -> "'" + e.getKey() + "' has " + e.getValue()).toList())
                            + ". Give them all the same date_format.");
                }
            }
        }

        /** Dummy data for categorised_as draws only its own categories: each ratio must name one (by value and type). */
        private void ratiosAmongCategories() {
            if (c.positional().isEmpty() || !(c.positional().get(0) instanceof Value.DictV cats) || !cats.complete) return;
            if (!(c.arg("return_expectations") instanceof Value.DictV re) || !(re.get("category") instanceof Value.DictV cat)
                    || !(cat.get("ratios") instanceof Value.DictV ratios) || !ratios.complete) return;
            Set<String> available = new java.util.HashSet<>();
            for (Value.Entry e : cats.entries) {
                String k = keyOf(e.key());
                if (k == null) return;
                available.add(k);
            }
            for (Value.Entry e : ratios.entries) {
                String k = keyOf(e.key());
                if (k == null) return;
                if (!available.contains(k)) {
                    ctx.report(Rule.STUDY_EXPECTATIONS_RATIOS, e.keyOrigin(), anchor, "The ratio for " + Values.str(e.key())
                            + " names no category of this categorised_as (its categories: " + String.join(", ", cats.entries.stream()
                            .map(x -> Values.str(x.key())).toList()) + "); dummy data generation fails. Use the category keys.");
                }
            }
        }

        /** A dict key as Python compares it: 1, 1.0 and True are one key; "1" another. */
        private static String keyOf(Value k) {
            if (k instanceof Value.Str s) return "s:" + s.value();
            if (k instanceof Value.Num n) return "n:" + n.value();
            if (k instanceof Value.Bool b) return "n:" + (b.value() ? 1.0 : 0.0);
            return null;
        }

        /**
         * The date_format of every date that a minimum_of/maximum_of compares, through nested aggregates, as
         * cohort-extractor gathers them; false when one is not a literal (then nothing is said).
         */
        private boolean dateFormats(Value.Call agg, int order, Map<String, String> out, int depth) {
            if (depth > 20) return false;
            for (int i = 0; i < agg.positional().size(); i++) {
                if (!(agg.positional().get(i) instanceof Value.Str s) || DateExpression.isIsoDate(s.value())) return false;
                StudyModel.Variable ref = ctx.model.before(s.value(), order);
                if (ref == null || ref.call() == null || !leafOrAggregate(s.value(), ref.call(), ref.order(), out, depth)) return false;
            }
            for (Value.Kw k : agg.keywords()) {
                if (k.name().equals("return_expectations")) continue;
                if (!(k.value() instanceof Value.Call inner) || !leafOrAggregate(k.name(), inner, order, out, depth)) return false;
            }
            return !agg.open();
        }

        private boolean leafOrAggregate(String name, Value.Call call, int order, Map<String, String> out, int depth) {
            if (call.function().equals("minimum_of") || call.function().equals("maximum_of")) return dateFormats(call, order, out, depth + 1);
            if (!(call.arg("date_format") instanceof Value.Str f)) return false;
            out.put(name, f.value());
            return true;
        }

        private StudyModel.Variable source(String name, Origin at) {
            StudyModel.Variable ref = ctx.model.before(name, var.order());
            if (ref != null) return ref;
            if (ctx.model.byName.containsKey(name)) {
                report(Rule.STUDY_SOURCE_REFERENCE, at, "'" + name + "' is defined after '" + var.name() + "'; move it above.");
            } else if (!ctx.model.open) {
                report(Rule.STUDY_SOURCE_REFERENCE, at, "There is no variable '" + name + "' in the study."
                        + DidYouMean.suffix(DidYouMean.closest(name, ctx.model.byName.keySet())));
            }
            return null;
        }
    }
}
