package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;

/**
 * A call of one of the study's own functions (a helper in the file or a sibling module): its body is run with the
 * call's arguments, findings muted, so that what it returns is known (a frame, a series of a type); a keyword it
 * has no parameter for is the TypeError Python stops with. A part of {@link Evaluator}, bound to the one that calls.
 */
final class HelperCalls {
    private final Evaluator ev;

    HelperCalls(Evaluator ev) {
        this.ev = ev;
    }

    EValue call(LocalFunc lf, List<ArgV> args) {
        unknownKeywords(lf, args);
        if (ev.depth >= 6) return UNKNOWN;
        Map<String, Binding> local = new Evaluator.Scope(lf.globals());
        List<Py.Param> params = lf.def().params();
        int pos = 0;
        Set<String> given = new LinkedHashSet<>();
        for (ArgV a : args) {
            if (a.arg().kind() == Py.ArgKind.POSITIONAL) {
                while (pos < params.size() && params.get(pos).kind() != Py.ArgKind.POSITIONAL) pos++;
                if (pos < params.size()) {
                    local.put(params.get(pos).name(), new Binding(a.value(), null));
                    given.add(params.get(pos).name());
                    pos++;
                }
            } else if (a.arg().kind() == Py.ArgKind.KEYWORD) {
                local.put(a.arg().keyword(), new Binding(a.value(), null));
                given.add(a.arg().keyword());
            } else {
                return UNKNOWN; // *args / **kwargs: parameters not known
            }
        }
        Evaluator runner = lf.file() == ev.file ? ev : new Evaluator(lf.file(), ev.out, ev.modules, ev.folder, ev.csvs, ev.types);
        // A call made in a branch may not happen: what the function's body does then is as uncertain as the call.
        int savedBranches = runner.branches;
        if (runner != ev) runner.branches = Math.max(runner.branches, ev.branches);
        runner.helperTypes = ev.helperTypes;
        for (Py.Param p : params) {
            if (given.contains(p.name())) continue;
            EValue dv = p.defaultValue() == null || p.kind() != Py.ArgKind.POSITIONAL ? UNKNOWN : runner.evalMuted(p.defaultValue(), lf.globals());
            local.put(p.name(), new Binding(dv, null));
        }
        List<EValue> saved = runner.returns;
        runner.returns = new ArrayList<>();
        ev.out.mute();
        runner.depth++;
        runner.conditional++;
        try {
            runner.exec(lf.def().body(), local);
            List<EValue> rs = runner.returns;
            if (rs.isEmpty()) return new Lit(LitKind.NONE, null, null);
            EValue first = rs.get(0);
            for (EValue r : rs) if (!Objects.equals(r, first)) return UNKNOWN;
            return first;
        } finally {
            runner.conditional--;
            runner.depth--;
            runner.branches = savedBranches;
            ev.out.unmute();
            runner.returns = saved;
        }
    }

    /**
     * A keyword the function has no parameter for (and no **kwargs to take it) fails the call with TypeError: an error
     * where the call surely runs, a warning in a function body, loop or branch.
     */
    private void unknownKeywords(LocalFunc lf, List<ArgV> args) {
        List<Py.Param> params = lf.def().params();
        if (params.stream().anyMatch(p -> p.kind() == Py.ArgKind.DOUBLE_STAR)) return;
        List<String> names = params.stream().filter(p -> p.kind() == Py.ArgKind.POSITIONAL || p.kind() == Py.ArgKind.KEYWORD)
                .map(Py.Param::name).toList();
        for (ArgV a : args) {
            String k = a.arg().keyword();
            if (a.arg().kind() != Py.ArgKind.KEYWORD || k == null || names.contains(k)) continue;
            Optional<String> dym = DidYouMean.closest(k, names);
            Severity s = ev.depth == 0 && ev.conditional == 0 && ev.branches == 0 ? Severity.ERROR : Severity.WARNING;
            ev.out.report(Rule.EHRQL_UNKNOWN_KEYWORD, s, ev.file, a.arg().keywordStart(), a.arg().keywordEnd(), lf.def().name() + "() has no parameter '" + k
                    + "': Python stops with TypeError when the call runs. Its parameters: " + String.join(", ", names) + "."
                    + DidYouMean.suffix(dym),
                    dym.map(d -> Fix.replace("Change to '" + d + "'", ev.file.range(a.arg().keywordStart(), a.arg().keywordEnd()), d)).stream().toArray(Fix[]::new));
        }
    }
}
