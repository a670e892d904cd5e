package opensafely.lsp.study;

import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyFind;
import opensafely.lsp.python.SourceFile;

/**
 * Recognises, in the source, an expectation date that Python computes as today's ISO date:
 * {@code datetime.today().strftime("%Y-%m-%d")} (also {@code now()}, {@code datetime.datetime.today()}),
 * {@code date.today().isoformat()}, {@code str(date.today())}, written in place or through a module-level
 * name ({@code TODAY = ...}). cohort-extractor runs the study and gets today's date; the static evaluator
 * does not model the datetime module, so without this the dummy data would have no date range at all.
 * It is recognised from the syntax only: nothing is run.
 */
final class TodayExpression {
    /** How many module-level names are followed ({@code LATEST = TODAY}). */
    private static final int MAX_NAMES = 3;

    private TodayExpression() {
    }

    /** Whether the value of the dict entry (or keyword) whose key was written at {@code key} is today's date. */
    static boolean valueOf(Value.Origin key) {
        if (key == null || key.file() == null) return false;
        SourceFile f = key.file();
        List<Py.Node> path = PyFind.path(f.module, key.start());
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i) instanceof Py.Dict d) {
                for (Py.DictItem item : d.items()) {
                    if (item.key() != null && item.key().start() == key.start()) return today(item.value(), f.module, 0);
                }
            } else if (path.get(i) instanceof Py.Call c) {
                for (Py.Arg a : c.args()) {
                    if (a.keyword() != null && a.keywordStart() == key.start()) return today(a.value(), f.module, 0);
                }
            }
        }
        return false;
    }

    private static boolean today(Py.Expr e, Py.Module m, int names) {
        if (e instanceof Py.Name n) {
            if (names >= MAX_NAMES) return false;
            Py.Expr bound = moduleBinding(m, n.id());
            return bound != null && today(bound, m, names + 1);
        }
        if (!(e instanceof Py.Call c)) return false;
        if (c.func() instanceof Py.Attribute at) {
            if (at.attr().equals("strftime") && c.args().size() == 1 && c.args().get(0).keyword() == null
                    && c.args().get(0).value() instanceof Py.Str s && "%Y-%m-%d".equals(s.value())) {
                return nowCall(at.value(), false);
            }
            if (at.attr().equals("isoformat") && c.args().isEmpty()) return nowCall(at.value(), true);
        }
        if (c.func() instanceof Py.Name fn && fn.id().equals("str") && c.args().size() == 1 && c.args().get(0).keyword() == null) {
            return nowCall(c.args().get(0).value(), true);
        }
        return false;
    }

    /**
     * {@code date.today()}, or with {@code dateOnly} false also {@code datetime.today()} / {@code datetime.now()}
     * (whose isoformat and str carry a time, so only strftime makes them a date).
     */
    private static boolean nowCall(Py.Expr e, boolean dateOnly) {
        if (!(e instanceof Py.Call c) || !c.args().isEmpty() || !(c.func() instanceof Py.Attribute at)) return false;
        String cls = at.value() instanceof Py.Name n ? n.id()
                : at.value() instanceof Py.Attribute a && a.value() instanceof Py.Name mod && mod.id().equals("datetime") ? a.attr() : null;
        if ("date".equals(cls)) return at.attr().equals("today");
        if ("datetime".equals(cls) && !dateOnly) return at.attr().equals("today") || at.attr().equals("now");
        return false;
    }

    /** The value of the last top-level {@code name = ...} of the module, if there is exactly such an assignment. */
    private static Py.Expr moduleBinding(Py.Module m, String name) {
        Py.Expr found = null;
        for (Py.Stmt s : m.body()) {
            if (s instanceof Py.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof Py.Name t && t.id().equals(name)) {
                found = a.value();
            }
        }
        return found;
    }
}
