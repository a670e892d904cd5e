package opensafely.lsp.study;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Value.Origin;

/** The file as a whole: syntax, the study object, population, variable names and the measures. */
final class StudyShapeRules implements StudyRule {
    @Override
    public void check(StudyContext ctx) {
        SourceFile doc = ctx.doc;
        for (SourceFile.ErrorSpan e : doc.syntaxErrorSpans(5)) {
            ctx.report(Rule.STUDY_SYNTAX, new Origin(doc, e.start(), e.end()), null, e.message());
        }
        StudyModel m = ctx.model;
        Value.Call study = m.study;
        if (study == null) return;
        missingStudyName(ctx, study);
        if (!study.open() && study.keyword("population") == null && study.positional().isEmpty()) {
            // A misspelt population= is taken for a variable: the place to say it is that keyword.
            Value.Kw near = null;
            for (Value.Kw k : study.keywords()) {
                if (DidYouMean.closest(k.name(), List.of("population")).isPresent()) near = k;
            }
            if (near != null) {
                ctx.report(Rule.STUDY_MISSING_POPULATION, near.nameOrigin(), near.anchor(), "StudyDefinition needs a population= variable "
                        + "(TypeError: missing argument 'population'); '" + near.name() + "' is taken for an ordinary variable. Did you mean 'population'?",
                        Fix.replace("Change to 'population'", near.nameOrigin().range(), "population"));
            } else {
                ctx.report(Rule.STUDY_MISSING_POPULATION, study.nameOrigin(), null, "StudyDefinition needs a population= variable.");
            }
        }
        Map<String, StudyModel.Variable> firstByName = new HashMap<>();
        for (StudyModel.Variable v : m.variables) {
            if (v.name().equals("patient_id") && !v.derived()) {
                ctx.report(Rule.STUDY_RESERVED_NAME, v.nameOrigin(), v.kw().anchor(), "patient_id is a reserved column name.");
            }
            StudyModel.Variable prior = firstByName.putIfAbsent(v.name(), v);
            if (prior != null && !(v.derived() && prior.derived())) {
                Origin at = v.derived() ? v.nameOrigin() : v.nameOrigin();
                boolean sameKeyword = !v.hidden() && !prior.hidden() && !v.derived() && !prior.derived();
                ctx.report(Rule.STUDY_DUPLICATE_VARIABLE, at, v.kw().anchor(), sameKeyword
                        ? "'" + v.name() + "' is given to StudyDefinition twice (TypeError: multiple values for keyword argument)."
                        : "Duplicate column '" + v.name() + "'" + (v.derived() ? " (added by include_date_of_match/include_measurement_date)" : "")
                        + ": each variable, including nested ones, needs a unique name.");
            }
        }
        measures(ctx);
    }

    /**
     * generate_cohort reads the module attribute {@code study}. A StudyDefinition bound only to another name
     * fails with AttributeError; said only when nothing else can bind {@code study} (a star import of an
     * unread module could).
     */
    private static void missingStudyName(StudyContext ctx, Value.Call study) {
        Interpreter.Env env = ctx.model.env;
        if (env.names.containsKey("study") || env.openStarImport || !ctx.doc.syntaxErrors.isEmpty()) return;
        for (Map.Entry<String, Interpreter.Binding> b : env.names.entrySet()) {
            Origin where = b.getValue().defined();
            if (b.getValue().value() == study && where != null && where.file() == ctx.doc) {
                ctx.report(Rule.STUDY_MISSING_STUDY, where, null, "The StudyDefinition is assigned to '" + b.getKey()
                        + "', but generate_cohort reads the name `study` (AttributeError otherwise): write `study = StudyDefinition(...)`.");
                return;
            }
        }
    }

    private static void measures(StudyContext ctx) {
        StudyModel m = ctx.model;
        if (m.open || m.env.openStarImport) return;
        if (m.measures.isEmpty()) return;
        // generate_measures reads the files in its output folder; an action between (a cohort joiner, say) may add
        // columns to them. Only when project.yaml shows none is a missing column certain.
        Severity missing = ctx.stem() != null && ctx.pipeline().measuresReadOwnCohortOnly(ctx.stem()) ? Severity.WARNING : Severity.INFORMATION;
        for (Value.Call measure : m.measures) {
            Origin anchor = measure.origin();
            String numerator = arg(measure, "numerator", 2);
            String denominator = arg(measure, "denominator", 1);
            check(ctx, measure, "numerator", 2, anchor, missing);
            check(ctx, measure, "denominator", 1, anchor, missing);
            Value group = measure.arg("group_by");
            if (group == null && measure.positional().size() > 3) group = measure.positional().get(3);
            List<Value> groups = group instanceof Value.Str ? List.of(group) : group instanceof Value.ListV l && l.complete ? l.items : List.of();
            boolean populationOnly = groups.size() == 1 && groups.get(0) instanceof Value.Str s && s.value().equals("population");
            for (Value g : groups) {
                if (!(g instanceof Value.Str s)) continue;
                nameCheck(ctx, s.value(), s.origin(), anchor, missing);
                if (!populationOnly && (s.value().equals(numerator) || s.value().equals(denominator))) {
                    ctx.report(Rule.STUDY_MEASURE_INVALID, s.origin(), anchor, "Column '" + s.value() + "' appears in both "
                            + (s.value().equals(numerator) ? "numerator" : "denominator") + " and group_by.");
                }
            }
        }
    }

    private static String arg(Value.Call c, String name, int index) {
        Value v = c.arg(name);
        if (v == null && c.positional().size() > index) v = c.positional().get(index);
        return v instanceof Value.Str s ? s.value() : null;
    }

    private static void check(StudyContext ctx, Value.Call c, String name, int index, Origin anchor, Severity missing) {
        Value v = c.arg(name);
        if (v == null && c.positional().size() > index) v = c.positional().get(index);
        if (v instanceof Value.Str s) nameCheck(ctx, s.value(), s.origin(), anchor, missing);
    }

    private static void nameCheck(StudyContext ctx, String name, Origin at, Origin anchor, Severity severity) {
        if (name.equals("population")) return;
        StudyModel.Variable v = ctx.model.byName.get(name);
        if (v != null && !v.hidden()) return;
        String message = v != null
                ? "'" + name + "' is a nested (hidden) variable, so it is not in the output the measure reads."
                : "The study has no variable '" + name + "'." + DidYouMean.suffix(DidYouMean.closest(name, ctx.model.byName.keySet()));
        if (severity != Severity.WARNING) message += " (Fine if an action before generate_measures adds this column to the study's output files.)";
        ctx.report(Rule.STUDY_MEASURE_UNKNOWN_VARIABLE, severity, at, anchor, message);
    }
}
