package opensafely.lsp.ehrql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.ehrql.EValue.Dataset;
import opensafely.lsp.ehrql.EValue.Lit;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;

/**
 * Reads a dataset definition's module-level statements in order, for the dummy-data generator: what each name
 * is bound to, the dataset's columns, its population, and configure_dummy_data's options. A name bound in a
 * branch, a loop or a function is not followed (its uses fall back to the value's type).
 */
final class DummyStatements {
    private final Map<Py.Node, EValue> types;
    private final DummyCompiler compiler;
    DummyQuery population, constraint;
    Long populationSize;

    DummyStatements(Map<Py.Node, EValue> types, DummyCompiler compiler) {
        this.types = types;
        this.compiler = compiler;
    }

    Map<String, DummyQuery> columns() {
        return compiler.columns;
    }

    void run(List<Py.Stmt> body) {
        for (Py.Stmt s : body) {
            try {
                stmt(s);
            } catch (RuntimeException e) {
                for (String n : PyTreeBuilder.assigned(List.of(s))) compiler.names.remove(n);
            }
        }
    }

    private void stmt(Py.Stmt s) {
        if (s instanceof Py.Assign a) {
            for (Py.Expr t : a.targets()) {
                if (t instanceof Py.Name n) compiler.names.put(n.id(), compiler.compile(a.value()));
                else if (t instanceof Py.Attribute at && isDataset(at.value())) compiler.columns.put(at.attr(), compiler.compile(a.value()));
                else for (String n : PyTreeBuilder.assigned(List.of(s))) compiler.names.remove(n);
            }
        } else if (s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && c.func() instanceof Py.Attribute f && isDataset(f.value())) {
            Map<String, Py.Expr> kw = new LinkedHashMap<>();
            List<Py.Expr> pos = new java.util.ArrayList<>();
            for (Py.Arg arg : c.args()) {
                if (arg.kind() == Py.ArgKind.KEYWORD) kw.put(arg.keyword(), arg.value());
                else if (arg.kind() == Py.ArgKind.POSITIONAL) pos.add(arg.value());
            }
            switch (f.attr()) {
                case "define_population" -> {
                    Py.Expr p = !pos.isEmpty() ? pos.get(0) : kw.get("population_condition");
                    if (p != null && population == null) population = compiler.compile(p);
                }
                case "add_column" -> {
                    Py.Expr name = !pos.isEmpty() ? pos.get(0) : kw.get("column_name");
                    Py.Expr value = pos.size() > 1 ? pos.get(1) : kw.get("ehrql_query");
                    if (name instanceof Py.Str str && str.value() != null && value != null) compiler.columns.put(str.value(), compiler.compile(value));
                }
                case "configure_dummy_data" -> {
                    Py.Expr size = kw.get("population_size");
                    if (size != null && types.get(size) instanceof Lit l && l.value() instanceof Long n && n > 0) populationSize = n;
                    Py.Expr extra = kw.get("additional_population_constraint");
                    if (extra != null && !(types.get(extra) instanceof Lit)) constraint = compiler.compile(extra);
                }
                default -> { }
            }
        } else {
            // Branches, loops, functions, imports: names they bind are no longer known from here on.
            for (String n : PyTreeBuilder.assigned(List.of(s))) compiler.names.remove(n);
        }
    }

    private boolean isDataset(Py.Expr e) {
        return types.get(e) instanceof Dataset;
    }
}
