package opensafely.lsp.study;

import static opensafely.lsp.study.Args.argAt;
import static opensafely.lsp.study.Operators.merge;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Interpreter.Env;
import opensafely.lsp.study.Value.Origin;

/**
 * Calls of the functions a study definition uses by name: cohortextractor's {@code StudyDefinition}, {@code Measure}
 * and codelist helpers (which become {@link Value.Call} and {@link Value.Codelist}), and the Python built-ins
 * {@code dict range list tuple sorted set zip enumerate len open str int}.
 */
final class BuiltinCalls {
    private final Interpreter ip;

    BuiltinCalls(Interpreter ip) {
        this.ip = ip;
    }

    Value builtin(SourceFile f, Py.Call c, String name, Env env, Origin o) {
        Args a = Args.of(ip, f, c, env);
        switch (name) {
            case "StudyDefinition", "Measure" -> {
                return new Value.Call(name, a.positional(), a.positionalOrigins(), a.keywords(), a.open(), o, Origin.of(f, c.func()), c);
            }
            case "codelist_from_csv" -> {
                Value path = argAt(a, 0, "filename");
                Value system = argAt(a, 1, "system");
                Value column = argAt(a, 2, "column");
                Value category = argAt(a, 3, "category_column");
                String col = column == null ? "code" : column instanceof Value.Str s ? s.value() : null;
                String cat = category == null || category instanceof Value.None ? null : category instanceof Value.Str s ? s.value() : "?";
                return new Value.Codelist("csv", strOf(system), originOf(system), strOf(path), originOf(path), col,
                        column == null ? null : column.origin(), "?".equals(cat) ? null : cat,
                        category == null ? null : category.origin(),
                        category == null || category instanceof Value.None ? Boolean.FALSE : cat == null || "?".equals(cat) ? null : Boolean.TRUE,
                        null, o);
            }
            case "codelist" -> {
                Value codes = argAt(a, 0, "codes");
                Value system = argAt(a, 1, "system");
                Integer count = null;
                Boolean categorised = null;
                if (codes instanceof Value.ListV l && l.complete) {
                    count = l.items.size();
                    categorised = !l.items.isEmpty() && l.items.get(0) instanceof Value.ListV;
                }
                return new Value.Codelist("literal", strOf(system), originOf(system), null, null, null, null, null, null,
                        categorised, count, o, codes instanceof Value.ListV l && l.complete ? List.copyOf(l.items) : null);
            }
            case "combine_codelists" -> {
                String system = null;
                Boolean categorised = null;
                for (Value v : a.positional()) {
                    if (v instanceof Value.Codelist cl) {
                        if (system == null) system = cl.system();
                        if (categorised == null) categorised = cl.categorised();
                    }
                }
                boolean all = !a.open() && a.positional().stream().allMatch(v -> v instanceof Value.Codelist);
                return new Value.Codelist("combined", system, null, null, null, null, null, null, null, categorised, null, o,
                        all ? List.copyOf(a.positional()) : null);
            }
            case "filter_codes_by_category" -> {
                Value src = argAt(a, 0, "codes");
                String system = src instanceof Value.Codelist cl ? cl.system() : null;
                return new Value.Codelist("filtered", system, null, null, null, null, null, null, null, Boolean.TRUE, null, o);
            }
            case "dict" -> {
                Value.DictV d = new Value.DictV(o);
                if (a.open()) d.complete = false;
                if (!a.positional().isEmpty()) {
                    Value first = a.positional().get(0);
                    if (first instanceof Value.DictV src) merge(d, src);
                    else if (first instanceof Value.ListV l && l.complete) {
                        for (Value pair : l.items) {
                            if (pair instanceof Value.ListV p && p.items.size() == 2) d.put(new Value.Entry(p.items.get(0), p.items.get(1), p.origin()));
                            else d.complete = false;
                        }
                    } else d.complete = false;
                }
                for (Value.Kw k : a.keywords()) d.put(new Value.Entry(new Value.Str(k.name(), -1, k.nameOrigin()), k.value(), k.nameOrigin()));
                return d;
            }
            case "range" -> {
                List<Long> ns = new ArrayList<>();
                for (Value v : a.positional()) {
                    if (!(v instanceof Value.Num n) || !n.integer()) return Value.UNKNOWN;
                    ns.add(n.asLong());
                }
                long start = ns.size() >= 2 ? ns.get(0) : 0, stop = ns.size() == 1 ? ns.get(0) : ns.size() >= 2 ? ns.get(1) : 0;
                long step = ns.size() == 3 ? ns.get(2) : 1;
                if (ns.isEmpty() || step == 0) return Value.UNKNOWN;
                List<Value> items = new ArrayList<>();
                for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                    if (items.size() > Interpreter.MAX_ITEMS) return Value.UNKNOWN;
                    items.add(new Value.Num(i, true, o));
                }
                return new Value.ListV(items, false, o);
            }
            case "list", "tuple", "sorted", "set" -> {
                if (a.positional().isEmpty()) return new Value.ListV(List.of(), name.equals("tuple"), o);
                List<Value> items = ip.iterate(a.positional().get(0));
                if (items == null || name.equals("sorted") && !a.keywords().isEmpty()) return Value.UNKNOWN;
                if (name.equals("sorted") || name.equals("set")) {
                    List<String> keys = new ArrayList<>();
                    for (Value v : items) {
                        if (!(v instanceof Value.Str s)) return Value.UNKNOWN;
                        if (!keys.contains(s.value())) keys.add(s.value());
                    }
                    if (name.equals("sorted")) keys.sort(null);
                    return new Value.ListV(keys.stream().map(k -> (Value) new Value.Str(k, -1, o)).toList(), false, o);
                }
                return new Value.ListV(items, name.equals("tuple"), o);
            }
            case "zip" -> {
                List<List<Value>> lists = new ArrayList<>();
                for (Value v : a.positional()) {
                    List<Value> items = ip.iterate(v);
                    if (items == null) return Value.UNKNOWN;
                    lists.add(items);
                }
                int n = lists.stream().mapToInt(List::size).min().orElse(0);
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    List<Value> tuple = new ArrayList<>();
                    for (List<Value> l : lists) tuple.add(l.get(i));
                    out.add(new Value.ListV(tuple, true, o));
                }
                return new Value.ListV(out, false, o);
            }
            case "enumerate" -> {
                List<Value> items = a.positional().isEmpty() ? null : ip.iterate(a.positional().get(0));
                if (items == null) return Value.UNKNOWN;
                long start = a.positional().size() > 1 && a.positional().get(1) instanceof Value.Num n ? n.asLong() : 0;
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) out.add(new Value.ListV(List.of(new Value.Num(start + i, true, o), items.get(i)), true, o));
                return new Value.ListV(out, false, o);
            }
            case "len" -> {
                Value v = a.positional().isEmpty() ? null : a.positional().get(0);
                if (v instanceof Value.ListV l && l.complete) return new Value.Num(l.items.size(), true, o);
                if (v instanceof Value.DictV d && d.complete) return new Value.Num(d.entries.size(), true, o);
                if (v instanceof Value.Str s) return new Value.Num(s.value().length(), true, o);
                return Value.UNKNOWN;
            }
            case "open" -> {
                Value path = argAt(a, 0, "file");
                Value mode = argAt(a, 1, "mode");
                if (!(path instanceof Value.Str p) || mode != null && !(mode instanceof Value.Str m && m.value().matches("r[bt]?"))) {
                    return Value.UNKNOWN;
                }
                return new Value.FileRef(p.value(), o);
            }
            case "str" -> {
                String s = a.positional().isEmpty() ? "" : Values.str(a.positional().get(0));
                return s == null ? Value.UNKNOWN : new Value.Str(s, -1, o);
            }
            case "int" -> {
                Value v = a.positional().isEmpty() ? null : a.positional().get(0);
                if (v instanceof Value.Num n) return new Value.Num(Math.floor(n.value()), true, o);
                if (v instanceof Value.Str s) {
                    try {
                        return new Value.Num(Long.parseLong(s.value().trim()), true, o);
                    } catch (NumberFormatException e) {
                        return Value.UNKNOWN;
                    }
                }
                return Value.UNKNOWN;
            }
            default -> {
                return Value.UNKNOWN;
            }
        }
    }

    private static String strOf(Value v) {
        return v instanceof Value.Str s ? s.value() : null;
    }

    private static Origin originOf(Value v) {
        return v == null ? null : v.origin();
    }
}
