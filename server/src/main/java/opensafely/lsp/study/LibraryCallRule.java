package opensafely.lsp.study;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.python.Py;
import opensafely.lsp.study.Value.Origin;

/**
 * The keywords of cohortextractor's own functions besides {@code patients.*} (the codelist helpers and Measure), on
 * every call in the file, whether or not the evaluator reaches it: a keyword the function does not take is a
 * TypeError when the line runs, so generate_cohort (or generate_measures) fails. An error where the line surely runs
 * when the file is imported, a warning where it may not (in a function, loop or branch). StudyDefinition is not here:
 * it takes any keyword as a variable. Calls of {@code patients.*} that the evaluator did not reach as variables (a
 * function nothing calls, code built with names it cannot follow) get the same look: an unknown function
 * (AttributeError) or keyword (TypeError) is said at the call.
 */
final class LibraryCallRule extends CertainWalk implements StudyRule {
    /** The parameters of each function, in order (cohort-extractor's codelistlib and measure modules). */
    private static final Map<String, List<String>> PARAMS = Map.of(
            "codelist_from_csv", List.of("filename", "system", "column", "category_column"),
            "codelist", List.of("codes", "system", "check_categories"),
            "filter_codes_by_category", List.of("codes", "include"),
            "combine_codelists", List.of("first_codelist"),
            "Measure", List.of("id", "denominator", "numerator", "group_by", "small_number_suppression"));

    private StudyContext ctx;
    /** The patients.* calls the evaluator reached as variables: CallRules judges those, with their values. */
    private final Set<Py.Call> evaluated = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    @Override
    public void check(StudyContext ctx) {
        if (!ctx.doc.syntaxErrors.isEmpty()) return;
        LibraryCallRule walk = new LibraryCallRule(); // one walk per check: the rule list is shared by concurrent analyses
        walk.ctx = ctx;
        for (StudyModel.Variable v : ctx.model.variables) {
            if (v.value() instanceof Value.Call c && c.node() != null) walk.evaluated.add(c.node());
        }
        walk.body(ctx.doc.module.body(), true);
    }

    @Override
    void call(Py.Call c, boolean certain) {
        if (c.func() instanceof Py.Attribute at && at.value() instanceof Py.Name owner) {
            patientsCall(c, at, owner, certain);
            return;
        }
        if (!(c.func() instanceof Py.Name n) || boundLocally(n.id())) return;
        Interpreter.Binding b = ctx.model.env.names.get(n.id());
        // Only a name bound to cohortextractor's own function (imported from it, perhaps under another name).
        if (b == null || !(b.value() instanceof Value.Builtin builtin) || !PARAMS.containsKey(builtin.name())) return;
        String function = builtin.name();
        List<String> params = PARAMS.get(function);
        Severity severity = certain ? Severity.ERROR : Severity.WARNING;
        for (Py.Arg a : c.args()) {
            if (a.kind() == Py.ArgKind.DOUBLE_STAR) return; // keywords we cannot see
        }
        for (Py.Arg a : c.args()) {
            if (a.kind() != Py.ArgKind.KEYWORD || a.keyword() == null || params.contains(a.keyword())) continue;
            Optional<String> s = DidYouMean.closest(a.keyword(), params);
            Origin at = new Origin(ctx.doc, a.keywordStart(), a.keywordEnd());
            Fix[] fixes = s.map(x -> new Fix[] {Fix.replace("Change to '" + x + "'", at.range(), x)}).orElse(new Fix[0]);
            ctx.report(Rule.STUDY_UNKNOWN_ARGUMENT, severity, at, null, function + "() has no argument '" + a.keyword()
                    + "' (TypeError when this line runs); it takes " + String.join(", ", params) + "." + DidYouMean.suffix(s), fixes);
        }
    }

    private void patientsCall(Py.Call c, Py.Attribute at, Py.Name owner, boolean certain) {
        if (evaluated.contains(c) || boundLocally(owner.id())) return;
        Interpreter.Binding b = ctx.model.env.names.get(owner.id());
        if (b == null || !(b.value() instanceof Value.Builtin builtin) || !builtin.name().equals("patients")) return;
        Severity severity = certain ? Severity.ERROR : Severity.WARNING;
        Optional<Catalog.Function> fn = ctx.catalog.function(at.attr());
        if (fn.isEmpty()) {
            Origin name = new Origin(ctx.doc, at.attrStart(), at.end());
            Optional<String> s = DidYouMean.closest(at.attr(), ctx.catalog.functionNames());
            Fix[] fixes = s.map(x -> new Fix[] {Fix.replace("Change to '" + x + "'", name.range(), x)}).orElse(new Fix[0]);
            ctx.report(Rule.STUDY_UNKNOWN_FUNCTION, severity, name, null, "cohort-extractor has no function patients." + at.attr() + "."
                    + DidYouMean.suffix(s), fixes);
            return;
        }
        if (fn.get().acceptsAnyKeyword()) return;
        for (Py.Arg a : c.args()) if (a.kind() == Py.ArgKind.DOUBLE_STAR) return;
        List<String> names = fn.get().named().stream().map(Catalog.Param::name).toList();
        for (Py.Arg a : c.args()) {
            if (a.kind() != Py.ArgKind.KEYWORD || a.keyword() == null || fn.get().param(a.keyword()).isPresent()) continue;
            Origin kw = new Origin(ctx.doc, a.keywordStart(), a.keywordEnd());
            Optional<String> s = DidYouMean.closest(a.keyword(), names);
            Fix[] fixes = s.map(x -> new Fix[] {Fix.replace("Change to '" + x + "'", kw.range(), x)}).orElse(new Fix[0]);
            ctx.report(Rule.STUDY_UNKNOWN_ARGUMENT, severity, kw, null, "patients." + fn.get().name() + " has no argument '" + a.keyword() + "'."
                    + DidYouMean.suffix(s), fixes);
        }
    }
}
