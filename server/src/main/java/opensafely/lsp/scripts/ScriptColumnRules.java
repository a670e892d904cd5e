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
            if (table.isEmpty() || names(ctx.uses().language(), table.get().names(), c.column())) continue;
            DatasetColumnsOf.Table t = table.get();
            ctx.report(Diagnostic.of(Rule.SCRIPT_UNKNOWN_COLUMN, c.range(), "'" + c.column() + "' is not a column of '" + c.source().path()
                    + "': " + t.definition() + " (action '" + t.action() + "') makes " + DatasetColumnsOf.sample(t) + "."
                    + DidYouMean.suffix(DidYouMean.closest(c.column(), t.names()))));
        }
    }

    /**
     * Whether a name the script uses can mean one of the columns. Python's pandas needs the exact name. Stata lowers
     * the names `import delimited` reads and takes any unique abbreviation of a variable; R's {@code $} on a data frame
     * takes a unique prefix too (with only a warning). So for those two a prefix of a column, in any case for Stata,
     * counts as known: no warning where the job would still run.
     */
    private static boolean names(ScriptLanguage language, java.util.Collection<String> columns, String used) {
        if (columns.contains(used)) return true;
        return switch (language) {
            case PYTHON -> false;
            case R -> columns.stream().anyMatch(col -> col.startsWith(used));
            case STATA -> {
                String lower = used.toLowerCase(java.util.Locale.ROOT);
                yield columns.stream().anyMatch(col -> col.toLowerCase(java.util.Locale.ROOT).startsWith(lower));
            }
        };
    }
}
