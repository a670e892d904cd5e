package opensafely.lsp.scripts;

import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Rule;

/** A column read by name from a dataset whose definition does not make it ({@code script-unknown-column}). */
final class ScriptColumnRules {
    private ScriptColumnRules() {
    }

    static void check(ScriptContext ctx) {
        if (ctx.runners().isEmpty()) return;
        for (ColumnUse c : ctx.uses().columns()) {
            if (!c.source().exact()) continue;
            Optional<DatasetColumnsOf.Table> table = DatasetColumnsOf.of(ctx.project(), ctx.folder(), c.source().path());
            if (table.isEmpty() || table.get().names().contains(c.column())) continue;
            DatasetColumnsOf.Table t = table.get();
            ctx.report(Diagnostic.of(Rule.SCRIPT_UNKNOWN_COLUMN, c.range(), "'" + c.column() + "' is not a column of '" + c.source().path()
                    + "': " + t.definition() + " (action '" + t.action() + "') makes " + DatasetColumnsOf.sample(t) + "."
                    + DidYouMean.suffix(DidYouMean.closest(c.column(), t.names()))));
        }
    }
}
