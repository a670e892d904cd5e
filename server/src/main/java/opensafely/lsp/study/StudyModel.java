package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Value.Origin;

/**
 * What a study definition file defines, as far as static evaluation can tell: the StudyDefinition bound to
 * {@code study}, its variables in the order cohort-extractor processes them, and the {@code measures}.
 */
final class StudyModel {
    /**
     * One output (or hidden) column. {@code kw} is the keyword that defined it; {@code parent} the variable a
     * nested one belongs to; {@code derived} for columns added by include_date_of_match / include_measurement_date.
     */
    record Variable(String name, Value value, Value.Kw kw, Variable parent, int order, boolean derived) {
        Value.Call call() {
            return value instanceof Value.Call c && !c.function().equals("StudyDefinition") && !c.function().equals("Measure") ? c : null;
        }

        boolean hidden() {
            return parent != null && !derived;
        }

        Origin nameOrigin() {
            return kw.nameOrigin();
        }
    }

    static final Set<String> STUDY_ARGS = Set.of("population", "default_expectations", "index_date");

    final SourceFile file;
    final Interpreter.Env env;
    /** The StudyDefinition(...) call, or null when the file has none the evaluator could see. */
    final Value.Call study;
    final List<Variable> variables = new ArrayList<>();
    final Map<String, Variable> byName = new LinkedHashMap<>();
    /** Variables may exist that the analysis cannot see (an unexpanded **kwargs, say). */
    final boolean open;
    /**
     * Set while adding variables when a variable's call has arguments the evaluator could not see (an unexpanded
     * **kwargs): they may define nested variables or the extra columns of include_date_of_match.
     */
    private boolean incomplete;
    final List<Value.Call> measures = new ArrayList<>();
    final Value measuresValue;

    StudyModel(SourceFile file, Interpreter.Env env) {
        this.file = file;
        this.env = env;
        Interpreter.Binding b = env.names.get("study");
        Value.Call found = b != null && b.value() instanceof Value.Call c && c.function().equals("StudyDefinition") ? c : null;
        if (found == null) {
            for (Interpreter.Binding other : env.names.values()) {
                if (other.value() instanceof Value.Call c && c.function().equals("StudyDefinition") && c.origin().file() == file) {
                    found = c;
                    break;
                }
            }
        }
        this.study = found;
        boolean open = found == null || found.open();
        this.incomplete = false;
        if (found != null) {
            Value.Kw population = null;
            for (Value.Kw k : found.keywords()) {
                if (k.name().equals("population")) population = k;
                else if (!STUDY_ARGS.contains(k.name())) add(k, null);
            }
            if (population == null && !found.positional().isEmpty()) {
                Origin o = found.positionalOrigins().get(0);
                population = new Value.Kw("population", found.positional().get(0), o, o, o);
            }
            if (population != null) add(population, null);
        }
        this.open = open || incomplete;
        Interpreter.Binding m = env.names.get("measures");
        this.measuresValue = m == null ? null : m.value();
        if (measuresValue instanceof Value.ListV l) {
            for (Value v : l.items) if (v instanceof Value.Call c && c.function().equals("Measure")) measures.add(c);
        }
    }

    private void add(Value.Kw kw, Variable parent) {
        Value v = kw.value();
        if (v instanceof Value.Call c && c.open()) incomplete = true;
        if (v instanceof Value.Call c && !c.function().equals("StudyDefinition") && !c.function().equals("Measure")) {
            Catalog.Function fn = Catalog.get().function(c.function()).orElse(null);
            // Nested definitions (extra keywords of categorised_as & co) come first, hidden.
            if (fn != null && fn.acceptsAnyKeyword()) {
                int placeholder = variables.size();
                for (Value.Kw nested : c.keywords()) {
                    if (fn.param(nested.name()).isEmpty() && nested.value() instanceof Value.Call) {
                        add(nested, new Variable(kw.name(), v, kw, parent, placeholder, false));
                    }
                }
            }
        }
        Variable var = new Variable(kw.name(), v, kw, parent, variables.size(), false);
        put(var);
        if (v instanceof Value.Call c) {
            if (truthy(c.arg("include_date_of_match"))) put(new Variable(kw.name() + "_date", v, kw, var, variables.size(), true));
            if (truthy(c.arg("include_measurement_date"))) put(new Variable(kw.name() + "_date_measured", v, kw, var, variables.size(), true));
        }
    }

    private void put(Variable v) {
        variables.add(v);
        byName.putIfAbsent(v.name(), v);
    }

    private static boolean truthy(Value v) {
        return v != null && Boolean.TRUE.equals(Values.truthy(v));
    }

    /** The variable with this name defined before {@code order} (the one a reference at that point sees). */
    Variable before(String name, int order) {
        for (Variable v : variables) {
            if (v.order() >= order) break;
            if (v.name().equals(name)) return v;
        }
        return null;
    }

    boolean isStudyFile() {
        return study != null;
    }
}
