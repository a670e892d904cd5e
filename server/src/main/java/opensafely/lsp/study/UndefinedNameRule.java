package opensafely.lsp.study;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.python.Builtins;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Value.Origin;

/**
 * A name read that nothing binds: Python stops with NameError when the line runs, and generate_cohort fails while it
 * imports the study definition (or a module the definition imports). Read from the syntax tree, not from the
 * evaluation, so function bodies the definition never calls are judged too. Said only when it is sure: the name is
 * spelt nowhere else in the file but after a dot (every assignment, import, def, parameter, loop or keyword would spell
 * it), it is not a builtin, no star import the evaluator could not follow may bind it, and no dynamic binding
 * ({@code globals()}, {@code exec}...) is in the file. Module-level code outside any function, loop, branch or block
 * runs whenever the file is imported: an error there, and nothing after it runs. Elsewhere the line may never run: a
 * warning.
 */
final class UndefinedNameRule extends CertainWalk implements StudyRule {

    private static final Pattern DYNAMIC = Pattern.compile(
            "\\b(globals|locals|vars|exec|eval|setattr|__import__)\\s*\\(|__dict__|__builtins__|importlib|\\bsys\\.modules|\\bbuiltins\\b");

    @Override
    boolean stopped() {
        return stopped;
    }

    private StudyContext ctx;
    /** Set at the first certain NameError: Python stops there, so nothing after it is judged. */
    private boolean stopped;

    @Override
    public void check(StudyContext ctx) {
        new UndefinedNameRule().walk(ctx); // one walk per check: the rule list is shared by concurrent analyses
    }

    private void walk(StudyContext ctx) {
        SourceFile doc = ctx.doc;
        if (!doc.syntaxErrors.isEmpty() || ctx.model.env.openStarImport || DYNAMIC.matcher(doc.text).find()) return;
        // A star import the evaluator may not have run (inside a branch, or past its budget) could bind anything.
        if (nestedStarImport(doc.module.body(), true)) return;
        this.ctx = ctx;
        this.stopped = false;
        body(doc.module.body(), true);
    }

    private static boolean nestedStarImport(List<Py.Stmt> body, boolean top) {
        for (Py.Stmt s : body) {
            if (s instanceof Py.ImportFrom i && i.star() && !top) return true;
            if (s instanceof Py.FuncDef d && nestedStarImport(d.body(), false)) return true;
            if (s instanceof Py.For l && nestedStarImport(l.body(), false)) return true;
            if (s instanceof Py.If i && (nestedStarImport(i.body(), false) || nestedStarImport(i.orElse(), false))) return true;
            if (s instanceof Py.Block b && nestedStarImport(b.body(), false)) return true;
        }
        return false;
    }

    @Override
    void name(Py.Name n, boolean certain) {
        String id = n.id();
        if (Builtins.bound(id) || ctx.model.env.names.containsKey(id)) {
            return;
        }
        // An attribute (x.name) never binds the name; every other spelling might, so it keeps this quiet.
        Matcher m = Pattern.compile("(?<![.\\w])" + Pattern.quote(id) + "\\b").matcher(ctx.doc.text);
        int count = 0;
        while (m.find() && count < 2) count++;
        if (count != 1) return;
        Origin at = new Origin(ctx.doc, n.start(), n.end());
        if (!certain) {
            ctx.report(Rule.STUDY_UNDEFINED_NAME, Severity.WARNING, at, null, "'" + id + "' is not defined anywhere in this file, "
                    + "so Python stops with NameError when this line runs. Define or import it first, or correct the spelling.");
            return;
        }
        stopped = true;
        ctx.report(Rule.STUDY_UNDEFINED_NAME, at, null, "'" + id + "' is not defined anywhere in this file, so Python stops here with "
                + "NameError and generate_cohort fails. Define or import it first, or correct the spelling.");
    }
}
