package opensafely.lsp.ehrql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.ehrql.EValue.Dataset;
import opensafely.lsp.ehrql.EValue.Lit;
import opensafely.lsp.ehrql.EValue.LocalFunc;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.python.SourceFile;

/**
 * Reads a dataset definition's module-level statements in order, for the dummy-data generator: what each name
 * is bound to, the dataset's columns, its population, and configure_dummy_data's options. A call of a helper
 * function (in this file or a sibling module) is followed into its body with its parameters bound to the
 * arguments, so a dataset built by {@code dataset = make_dataset(date)} reads as if written here. A name bound
 * in a branch or a loop is not followed (its uses fall back to the value's type).
 */
final class DummyStatements {
    /** How deep helper calls are followed (a helper calling a helper...). */
    private static final int MAX_DEPTH = 6;

    private final Map<Py.Node, EValue> types;
    private final DummyCompiler compiler;
    /** The file whose statements run now: the definition, or the module of the helper being followed. */
    private SourceFile file;
    private int depth;
    /** The value of the first `return` of the helper being followed. */
    private DummyQuery returned;
    private boolean hasReturned;
    DummyQuery population, constraint;
    Long populationSize;

    DummyStatements(Map<Py.Node, EValue> types, DummyCompiler compiler, SourceFile file) {
        this.types = types;
        this.compiler = compiler;
        this.file = file;
        compiler.helpers = this::call;
    }

    /**
     * The value of a call of a helper function, its body's statements applied on the way (dataset columns and
     * population set there count); null when the callee is not a helper that can be followed.
     */
    DummyQuery call(Py.Call c) {
        if (!(types.get(c.func()) instanceof LocalFunc lf) || depth >= MAX_DEPTH) return null;
        List<Py.Param> params = lf.def().params();
        Map<String, DummyQuery> bound = new LinkedHashMap<>();
        int pos = 0;
        for (Py.Arg a : c.args()) {
            if (a.kind() == Py.ArgKind.POSITIONAL) {
                while (pos < params.size() && params.get(pos).kind() != Py.ArgKind.POSITIONAL) pos++;
                if (pos < params.size()) bound.put(params.get(pos++).name(), compiler.compile(a.value()));
            } else if (a.kind() == Py.ArgKind.KEYWORD) {
                bound.put(a.keyword(), compiler.compile(a.value()));
            } else {
                return null; // *args / **kwargs: the parameters are not known
            }
        }
        // The body sees its own module's names: the caller's when the helper is defined in this file, none of
        // them (only the evaluator's values) when it comes from a sibling module.
        Map<String, DummyQuery> saved = new LinkedHashMap<>(compiler.names);
        SourceFile savedFile = file;
        DummyQuery savedReturn = returned;
        boolean savedHas = hasReturned;
        if (lf.file() != file) compiler.names.clear();
        file = lf.file();
        compiler.file = lf.file();
        for (Py.Param p : params) {
            if (bound.containsKey(p.name())) compiler.names.put(p.name(), bound.get(p.name()));
            else if (p.defaultValue() != null) compiler.names.put(p.name(), compiler.compile(p.defaultValue()));
            else compiler.names.remove(p.name());
        }
        returned = null;
        hasReturned = false;
        depth++;
        try {
            run(lf.def().body());
            return hasReturned ? returned : new DummyQuery.Const(null);
        } finally {
            depth--;
            returned = savedReturn;
            hasReturned = savedHas;
            file = savedFile;
            compiler.file = savedFile;
            compiler.names.clear();
            compiler.names.putAll(saved);
        }
    }

    Map<String, DummyQuery> columns() {
        return compiler.columns;
    }

    void run(List<Py.Stmt> body) {
        for (Py.Stmt s : body) {
            if (hasReturned) return;
            if (depth > 0 && !(s instanceof Py.Return) && returnsNested(List.of(s))) {
                // A return inside a branch or a loop: which one runs is not followed, so the call's value falls back
                // to its type (null here) rather than to a later return that may never run.
                returned = null;
                hasReturned = true;
                return;
            }
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
        } else if (s instanceof Py.Return r && depth > 0) {
            returned = r.value() == null ? new DummyQuery.Const(null) : compiler.compile(r.value());
            hasReturned = true;
        } else if (s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && types.get(c.func()) instanceof LocalFunc) {
            call(c); // a helper that adds columns to the dataset it is given
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

    private static boolean returnsNested(List<Py.Stmt> body) {
        for (Py.Stmt s : body) {
            if (s instanceof Py.Return) return true;
            if (s instanceof Py.If i && (returnsNested(i.body()) || returnsNested(i.orElse()))) return true;
            if (s instanceof Py.For f && returnsNested(f.body())) return true;
            if (s instanceof Py.Block b && returnsNested(b.body())) return true;
            if (s instanceof Py.OtherStmt) return true; // while, with, try...: may hold a return
        }
        return false;
    }

    private boolean isDataset(Py.Expr e) {
        return types.get(e) instanceof Dataset;
    }
}
