package opensafely.lsp.ehrql;

import java.util.Map;
import java.util.Set;
import opensafely.lsp.python.Py;

/**
 * What a boolean expression gives for a patient with no rows in any table (every column NULL, nothing
 * exists): ehrQL rejects a population that is true for such a patient. Three-valued, plus "not known";
 * only a definite TRUE is ever acted on, so anything not understood is UNKNOWN.
 */
final class EmptyPatient {
    enum V { TRUE, FALSE, NULL, UNKNOWN }

    private static final Set<String> NULL_VALUES = Set.of("minimum_for_patient", "maximum_for_patient", "sum_for_patient",
            "mean_for_patient", "age_on", "first_for_patient", "last_for_patient", "for_patient_on");

    private final java.util.function.Function<String, Py.Expr> definedBy;
    private final Map<Py.Node, EValue> types;

    EmptyPatient(java.util.function.Function<String, Py.Expr> definedBy, Map<Py.Node, EValue> types) {
        this.definedBy = definedBy;
        this.types = types;
    }

    V value(Py.Expr e, int depth) {
        if (e == null || depth > 30) return V.UNKNOWN;
        if (e instanceof Py.Name n) {
            Py.Expr d = definedBy.apply(n.id());
            return d == null ? V.UNKNOWN : value(d, depth + 1);
        }
        if (e instanceof Py.Const c) {
            return switch (c.kind()) {
                case TRUE -> V.TRUE;
                case FALSE -> V.FALSE;
                default -> V.UNKNOWN;
            };
        }
        if (e instanceof Py.Unary u && u.op().equals("~")) {
            return switch (value(u.operand(), depth + 1)) {
                case TRUE -> V.FALSE;
                case FALSE -> V.TRUE;
                case NULL -> V.NULL;
                default -> V.UNKNOWN;
            };
        }
        if (e instanceof Py.BitOp b && b.op().equals("&")) return and(value(b.left(), depth + 1), value(b.right(), depth + 1));
        if (e instanceof Py.BinOp b && b.op().equals("|")) return or(value(b.left(), depth + 1), value(b.right(), depth + 1));
        if (e instanceof Py.Compare c && c.ops().size() == 1 && !c.ops().get(0).contains("in") && !c.ops().get(0).startsWith("is")) {
            // A comparison with a NULL value is NULL.
            for (Py.Expr x : c.operands()) if (isNull(x, depth + 1)) return V.NULL;
            return V.UNKNOWN;
        }
        if (e instanceof Py.Call c && c.func() instanceof Py.Attribute a) {
            switch (a.attr()) {
                case "exists_for_patient", "exists_for_patient_on" -> {
                    return V.FALSE;
                }
                case "is_null" -> {
                    return isNull(a.value(), depth + 1) ? V.TRUE : V.UNKNOWN;
                }
                case "is_not_null" -> {
                    return isNull(a.value(), depth + 1) ? V.FALSE : V.UNKNOWN;
                }
                case "is_alive_on" -> {
                    return V.TRUE; // no date of death recorded
                }
                case "is_dead_on" -> {
                    return V.FALSE;
                }
                default -> {
                    return V.UNKNOWN;
                }
            }
        }
        return V.UNKNOWN;
    }

    /** Whether a (non-boolean) value is surely NULL for the empty patient: a column, or an aggregate of one. */
    private boolean isNull(Py.Expr e, int depth) {
        if (depth > 30) return false;
        if (e instanceof Py.Name n) {
            Py.Expr d = definedBy.apply(n.id());
            return d != null && isNull(d, depth + 1);
        }
        if (e instanceof Py.Attribute a) {
            // table.column, frame.column: NULL when the frame is a table or a row picked from one
            return isFrame(a.value(), depth + 1);
        }
        if (e instanceof Py.Call c && c.func() instanceof Py.Attribute a && NULL_VALUES.contains(a.attr())) {
            return a.attr().equals("age_on") || isNull(a.value(), depth + 1) || isFrame(a.value(), depth + 1);
        }
        return false;
    }

    /** Whether an expression is surely a frame drawn from a table (whose rows are absent for the empty patient). */
    private boolean isFrame(Py.Expr e, int depth) {
        return types.get(e) instanceof EValue.Frame;
    }

    private static V and(V a, V b) {
        if (a == V.FALSE || b == V.FALSE) return V.FALSE;
        if (a == V.UNKNOWN || b == V.UNKNOWN) return V.UNKNOWN;
        if (a == V.TRUE && b == V.TRUE) return V.TRUE;
        return V.NULL;
    }

    private static V or(V a, V b) {
        if (a == V.TRUE || b == V.TRUE) return V.TRUE;
        if (a == V.UNKNOWN || b == V.UNKNOWN) return V.UNKNOWN;
        if (a == V.FALSE && b == V.FALSE) return V.FALSE;
        return V.NULL;
    }
}
