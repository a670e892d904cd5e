package opensafely.lsp.ehrql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.python.Builtins;
import opensafely.lsp.python.Py;

/**
 * A name read by module-level code that runs for certain, which nothing in the file binds: Python stops there with
 * NameError. Said only when it is sure: the name is spelt nowhere else in the file but after a dot (any assignment, import, def,
 * loop or walrus that binds it would spell it), it is not a builtin, and no unfollowed star import or dynamic
 * binding (globals(), exec...) could have made it.
 */
final class UndefinedNames {
    private UndefinedNames() {
    }


    // setattr binds a global of this file only on the module object itself (sys.modules[...], __main__); a study's
    // setattr(dataset, name, value) in a loop binds none, so it does not open the names.
    private static final Pattern DYNAMIC = Pattern.compile(
            "\\b(globals|locals|vars|exec|eval|__import__)\\s*\\(|\\bsetattr\\s*\\(\\s*__main__|__dict__|__builtins__|importlib|\\bsys\\.modules|\\bbuiltins\\b");

    /**
     * {@code certain}: module-level code outside any branch, loop or function, which runs whenever the file does: an error,
     * and nothing after it runs. Elsewhere (a branch, a loop, a function body) the line may never run: a warning.
     */
    static void check(Evaluator ev, Py.Name n, boolean certain) {
        String id = n.id();
        if (Builtins.bound(id) || ev.namesOpen || ev.nameError || ev.out.muted() || !ev.file.syntaxErrors.isEmpty()) {
            return;
        }
        String text = ev.file.text;
        if (DYNAMIC.matcher(text).find()) return;
        // An attribute (x.name) never binds the name; every other spelling might, so it keeps this quiet.
        Matcher m = Pattern.compile("(?<![.\\w])" + Pattern.quote(id) + "\\b").matcher(text);
        int count = 0;
        while (m.find() && count < 2) count++;
        if (count != 1) return;
        if (!certain) {
            ev.reportSeverity(Rule.EHRQL_UNDEFINED_NAME, Severity.WARNING, n.start(), n.end(), "'" + id + "' is not defined anywhere in this file, "
                    + "so Python stops with NameError when this line runs. Define or import it first, or correct the spelling.");
            return;
        }
        ev.nameError = true; // Python stops at the first one: what follows is never reached
        ev.report(Rule.EHRQL_UNDEFINED_NAME, n, "'" + id + "' is not defined anywhere in this file, so Python stops here with NameError. "
                + "Define or import it first, or correct the spelling.");
    }
}
