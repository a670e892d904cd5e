package opensafely.lsp.study;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * it takes any keyword as a variable.
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

    @Override
    public void check(StudyContext ctx) {
        if (!ctx.doc.syntaxErrors.isEmpty()) return;
        LibraryCallRule walk = new LibraryCallRule(); // one walk per check: the rule list is shared by concurrent analyses
        walk.ctx = ctx;
        walk.body(ctx.doc.module.body(), true);
    }

    @Override
    void call(Py.Call c, boolean certain) {
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
}
