package opensafely.lsp.study;

import static opensafely.lsp.study.Operators.merge;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Interpreter.Env;
import opensafely.lsp.study.Value.Origin;

/**
 * Methods called on known values: a dict's {@code update copy keys values items get pop}, a list's
 * {@code append extend}, a string's {@code upper lower strip replace join format}. A method that changes a value
 * in a way not followed marks it incomplete.
 */
final class ValueMethods {
    private final Interpreter ip;

    ValueMethods(Interpreter ip) {
        this.ip = ip;
    }

    Value method(SourceFile f, Py.Call c, Value recv, String name, Env env, Origin o) {
        Args a = Args.of(ip, f, c, env);
        if (recv instanceof Value.DictV d) {
            switch (name) {
                case "update" -> {
                    if (a.open()) d.complete = false;
                    for (Value p : a.positional()) merge(d, p);
                    for (Value.Kw k : a.keywords()) d.put(new Value.Entry(new Value.Str(k.name(), -1, k.nameOrigin()), k.value(), k.nameOrigin()));
                    return new Value.None(o);
                }
                case "copy" -> {
                    Value.DictV copy = new Value.DictV(o);
                    merge(copy, d);
                    return copy;
                }
                case "keys" -> {
                    if (!d.complete) return Value.UNKNOWN;
                    return new Value.ListV(d.entries.stream().map(Value.Entry::key).toList(), false, o);
                }
                case "values" -> {
                    if (!d.complete) return Value.UNKNOWN;
                    return new Value.ListV(d.entries.stream().map(Value.Entry::value).toList(), false, o);
                }
                case "items" -> {
                    if (!d.complete) return Value.UNKNOWN;
                    return new Value.ListV(d.entries.stream().map(en -> (Value) new Value.ListV(List.of(en.key(), en.value()), true, o)).toList(), false, o);
                }
                case "get" -> {
                    if (a.positional().isEmpty() || !(a.positional().get(0) instanceof Value.Str k)) return Value.UNKNOWN;
                    Value v = d.get(k.value());
                    if (v != null) return v;
                    if (!d.complete) return Value.UNKNOWN;
                    return a.positional().size() > 1 ? a.positional().get(1) : new Value.None(o);
                }
                case "pop" -> {
                    d.complete = false;
                    return Value.UNKNOWN;
                }
                default -> {
                    return Value.UNKNOWN;
                }
            }
        }
        if (recv instanceof Value.ListV l) {
            switch (name) {
                case "append" -> {
                    if (a.positional().size() == 1) l.items.add(a.positional().get(0));
                    else l.complete = false;
                    return new Value.None(o);
                }
                case "extend" -> {
                    List<Value> items = a.positional().size() == 1 ? ip.iterate(a.positional().get(0)) : null;
                    if (items == null) l.complete = false;
                    else l.items.addAll(items);
                    return new Value.None(o);
                }
                default -> {
                    l.complete = false;
                    return Value.UNKNOWN;
                }
            }
        }
        if (recv instanceof Value.Str s) {
            switch (name) {
                case "upper" -> {
                    return new Value.Str(s.value().toUpperCase(java.util.Locale.ROOT), -1, o);
                }
                case "lower" -> {
                    return new Value.Str(s.value().toLowerCase(java.util.Locale.ROOT), -1, o);
                }
                case "strip" -> {
                    return a.positional().isEmpty() ? new Value.Str(s.value().strip(), -1, o) : Value.UNKNOWN;
                }
                case "replace" -> {
                    if (a.positional().size() == 2 && a.positional().get(0) instanceof Value.Str x && a.positional().get(1) instanceof Value.Str y) {
                        return new Value.Str(s.value().replace(x.value(), y.value()), -1, o);
                    }
                    return Value.UNKNOWN;
                }
                case "join" -> {
                    List<Value> items = a.positional().size() == 1 ? ip.iterate(a.positional().get(0)) : null;
                    if (items == null) return Value.UNKNOWN;
                    List<String> parts = new ArrayList<>();
                    for (Value v : items) {
                        if (!(v instanceof Value.Str x)) return Value.UNKNOWN;
                        parts.add(x.value());
                    }
                    return new Value.Str(String.join(s.value(), parts), -1, o);
                }
                case "format" -> {
                    return format(s.value(), a, o);
                }
                default -> {
                    return Value.UNKNOWN;
                }
            }
        }
        return Value.UNKNOWN;
    }

    /** {@code "...{}...{name}...".format(...)} with plain fields only. */
    private static Value format(String template, Args a, Origin o) {
        StringBuilder b = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < template.length(); i++) {
            char ch = template.charAt(i);
            if (ch == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                b.append('{');
                i++;
            } else if (ch == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                b.append('}');
                i++;
            } else if (ch == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) return Value.UNKNOWN;
                String field = template.substring(i + 1, close);
                Value v;
                if (field.isEmpty()) v = auto < a.positional().size() ? a.positional().get(auto++) : null;
                else if (field.chars().allMatch(Character::isDigit)) {
                    int k = Integer.parseInt(field);
                    v = k < a.positional().size() ? a.positional().get(k) : null;
                } else {
                    v = null;
                    for (Value.Kw k : a.keywords()) if (k.name().equals(field)) v = k.value();
                }
                String s = v == null ? null : Values.str(v);
                if (s == null) return Value.UNKNOWN;
                b.append(s);
                i = close;
            } else {
                b.append(ch);
            }
        }
        return new Value.Str(b.toString(), -1, o);
    }
}
