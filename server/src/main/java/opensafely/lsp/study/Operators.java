package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.study.Value.Origin;

/**
 * Python's operators on known values: {@code + - * / // % **} on numbers, {@code +} on strings and lists,
 * {@code |} on dicts, and the comparisons ({@code == != in is < ...}). Each answers unknown (null or
 * {@link Value#UNKNOWN}) unless every operand is fully known, as Python would compute it.
 */
final class Operators {
    private Operators() {
    }

    static Boolean compareOp(String op, Value a, Value b) {
        switch (op) {
            case "==": return equal(a, b);
            case "!=": {
                Boolean eq = equal(a, b);
                return eq == null ? null : !eq;
            }
            case "in", "not in": {
                Boolean in = contains(b, a);
                return in == null ? null : op.equals("in") == in;
            }
            case "is", "is not": {
                // Identity is only clear for the singletons None, True and False.
                Boolean same = a instanceof Value.None && b instanceof Value.None ? Boolean.TRUE
                        : a instanceof Value.Bool x && b instanceof Value.Bool y ? x.value() == y.value()
                        : (a instanceof Value.None || b instanceof Value.None) && Values.known(a) && Values.known(b) ? Boolean.FALSE : null;
                return same == null ? null : op.equals("is") == same;
            }
            case "<", "<=", ">", ">=": {
                Integer cmp = order(a, b);
                if (cmp == null) return null;
                return switch (op) {
                    case "<" -> cmp < 0;
                    case "<=" -> cmp <= 0;
                    case ">" -> cmp > 0;
                    default -> cmp >= 0;
                };
            }
            default: return null;
        }
    }

    private static Double number(Value v) {
        if (v instanceof Value.Num n) return n.value();
        if (v instanceof Value.Bool b) return b.value() ? 1.0 : 0.0;
        return null;
    }

    /** Python ==, or null when either side is not fully known. */
    private static Boolean equal(Value a, Value b) {
        if (a instanceof Value.Str x && b instanceof Value.Str y) return x.value().equals(y.value());
        Double x = number(a), y = number(b);
        if (x != null && y != null) return x.doubleValue() == y.doubleValue();
        if (a instanceof Value.ListV l && b instanceof Value.ListV m) {
            if (!l.complete || !m.complete || l.tuple != m.tuple) return null;
            if (l.items.size() != m.items.size()) return false;
            for (int i = 0; i < l.items.size(); i++) {
                Boolean e = equal(l.items.get(i), m.items.get(i));
                if (!Boolean.TRUE.equals(e)) return e;
            }
            return true;
        }
        if (Values.known(a) && Values.known(b)) return a instanceof Value.None && b instanceof Value.None;
        return null;
    }

    private static Boolean contains(Value container, Value x) {
        if (container instanceof Value.Str s && x instanceof Value.Str t) return s.value().contains(t.value());
        List<Value> items = container instanceof Value.ListV l && l.complete ? l.items
                : container instanceof Value.DictV d && d.complete ? d.entries.stream().map(Value.Entry::key).toList() : null;
        if (items == null) return null;
        boolean unknown = false;
        for (Value v : items) {
            Boolean e = equal(v, x);
            if (Boolean.TRUE.equals(e)) return true;
            if (e == null) unknown = true;
        }
        return unknown ? null : false;
    }

    private static Integer order(Value a, Value b) {
        Double x = number(a), y = number(b);
        if (x != null && y != null) return Double.compare(x, y);
        if (a instanceof Value.Str s && b instanceof Value.Str t) return Integer.signum(s.value().compareTo(t.value()));
        return null;
    }

    static void merge(Value.DictV into, Value v) {
        if (v instanceof Value.DictV src) {
            for (Value.Entry en : src.entries) into.put(en);
            if (!src.complete) into.complete = false;
        } else {
            into.complete = false;
        }
    }

    static Value binop(String op, Value l, Value r, Origin o) {
        if (op.equals("+")) {
            if (l instanceof Value.Str a && r instanceof Value.Str b) return new Value.Str(a.value() + b.value(), -1, o);
            if (l instanceof Value.ListV a && r instanceof Value.ListV b) {
                List<Value> items = new ArrayList<>(a.items);
                items.addAll(b.items);
                Value.ListV out = new Value.ListV(items, a.tuple, o);
                out.complete = a.complete && b.complete;
                return out;
            }
        }
        if (op.equals("|") && l instanceof Value.DictV a && r instanceof Value.DictV b) {
            Value.DictV out = new Value.DictV(o);
            merge(out, a);
            merge(out, b);
            return out;
        }
        if (op.equals("*") && l instanceof Value.Str a && r instanceof Value.Num n && n.integer() && n.value() >= 0 && n.value() < 1000) {
            return new Value.Str(a.value().repeat((int) n.asLong()), -1, o);
        }
        if (l instanceof Value.Num a && r instanceof Value.Num b) {
            boolean integer = a.integer() && b.integer();
            switch (op) {
                case "+": return new Value.Num(a.value() + b.value(), integer, o);
                case "-": return new Value.Num(a.value() - b.value(), integer, o);
                case "*": return new Value.Num(a.value() * b.value(), integer, o);
                case "/": return b.value() == 0 ? Value.UNKNOWN : new Value.Num(a.value() / b.value(), false, o);
                case "//": return b.value() == 0 ? Value.UNKNOWN : new Value.Num(Math.floor(a.value() / b.value()), integer, o);
                case "%": return b.value() == 0 ? Value.UNKNOWN : new Value.Num(a.value() - b.value() * Math.floor(a.value() / b.value()), integer, o);
                case "**": return new Value.Num(Math.pow(a.value(), b.value()), integer && b.value() >= 0, o);
                default: return Value.UNKNOWN;
            }
        }
        return Value.UNKNOWN;
    }
}
