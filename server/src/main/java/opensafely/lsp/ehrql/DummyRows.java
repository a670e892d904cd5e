package opensafely.lsp.ehrql;



import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import opensafely.lsp.ehrql.DummyQuery.*;
import opensafely.lsp.ehrql.DummyWorld.Rec;

/**
 * Draws one row of a frame's table for a patient, inside the frame's where-conditions: each column's bounds,
 * allowed and excluded values are read from the conditions (an `|` takes one branch at random), the values are
 * drawn inside them, and the row is redrawn a few times if a condition the bounds did not capture fails.
 * Dates fall between birth and death (or today) wherever the conditions allow it.
 */
final class DummyRows {
    private static final int TRIES = 8;

    /** What the conditions say about one column. */
    private static final class Bounds {
        Object lo, hi;
        boolean loStrict, hiStrict, mustNull, notNull;
        Set<String> allowed;
        final Set<String> excluded = new LinkedHashSet<>();
        /** {@code allowed} is a codelist's own set (not an intersection made for this row): its list can be shared. */
        boolean allowedIsCodelist;
    }

    private final DummyWorld world;
    private final Map<String, Set<String>> literals;
    private final Rec p;
    private final SplittableRandom r;

    DummyRows(DummyWorld world, Map<String, Set<String>> literals, Rec p, SplittableRandom r) {
        this.world = world;
        this.literals = literals;
        this.p = p;
        this.r = r;
    }

    Map<String, Object> draw(Frame f) {
        Map<String, Object> row = null;
        for (int t = 0; t < TRIES; t++) {
            List<DummyQuery> atoms = new ArrayList<>();
            for (DummyQuery c : f.conditions()) flatten(c, false, atoms);
            Map<String, Bounds> bounds = new HashMap<>();
            for (DummyQuery a : atoms) narrow(a, bounds);
            row = new LinkedHashMap<>();
            for (Map.Entry<String, String> col : f.table().columns().entrySet()) {
                Bounds b = bounds.getOrDefault(col.getKey(), new Bounds());
                row.put(col.getKey(), value(f.table(), col.getKey(), col.getValue(), b));
            }
            if (world.passes(f, p, row)) return row;
        }
        return row;
    }

    /** The atoms of a condition (negated when {@code neg}); of an `|`, one branch taken at random. */
    private void flatten(DummyQuery q, boolean neg, List<DummyQuery> out) {
        if (q instanceof Not n) {
            flatten(n.operand(), !neg, out);
        } else if (q instanceof Except e) {
            flatten(e.operand(), !neg, out);
        } else if (q instanceof And a && !neg || q instanceof Or o2 && neg) {
            DummyQuery l = q instanceof And a2 ? a2.left() : ((Or) q).left(), rt = q instanceof And a3 ? a3.right() : ((Or) q).right();
            flatten(l, neg, out);
            flatten(rt, neg, out);
        } else if (q instanceof Or o && !neg || q instanceof And && neg) {
            DummyQuery l = q instanceof Or o3 ? o3.left() : ((And) q).left(), rt = q instanceof Or o4 ? o4.right() : ((And) q).right();
            flatten(r.nextBoolean() ? l : rt, neg, out);
        } else if (neg) {
            if (q instanceof Cmp c) out.add(c.negated());
            else if (q instanceof IsIn i) out.add(new IsIn(i.value(), i.set(), !i.negated()));
            else if (q instanceof IsNull i) out.add(new IsNull(i.value(), !i.negated()));
        } else out.add(q);
    }

    private void narrow(DummyQuery a, Map<String, Bounds> bounds) {
        if (a instanceof Cmp given) {
            Cmp c = !(given.left() instanceof RowCol) && given.right() instanceof RowCol ? given.flipped() : given;
            String op = c.op();
            DummyQuery col = c.left(), val = c.right();
            if (!(col instanceof RowCol rc) || DummyCompiler.frameOf(val) != null) return;
            Object v = world.eval(val, p, null);
            if (v == null) return;
            Bounds b = bounds.computeIfAbsent(rc.column(), k -> new Bounds());
            b.notNull = true;
            switch (op) {
                case "==" -> {
                    b.allowed = intersect(b.allowed, Set.of(String.valueOf(v)));
                    b.allowedIsCodelist = false;
                }
                case "!=" -> b.excluded.add(String.valueOf(v));
                case ">", ">=" -> {
                    Integer cmp = b.lo == null ? null : DummyValues.compare(v, b.lo);
                    if (b.lo == null || cmp != null && (cmp > 0 || cmp == 0 && op.equals(">"))) {
                        b.lo = v;
                        b.loStrict = op.equals(">");
                    }
                }
                default -> {
                    Integer cmp = b.hi == null ? null : DummyValues.compare(v, b.hi);
                    if (b.hi == null || cmp != null && (cmp < 0 || cmp == 0 && op.equals("<"))) {
                        b.hi = v;
                        b.hiStrict = op.equals("<");
                    }
                }
            }
        } else if (a instanceof IsIn i && i.value() instanceof RowCol rc && i.set() instanceof ValueSet vs) {
            Bounds b = bounds.computeIfAbsent(rc.column(), k -> new Bounds());
            b.notNull = true;
            if (i.negated()) b.excluded.addAll(vs.values());
            else {
                b.allowedIsCodelist = b.allowed == null;
                b.allowed = intersect(b.allowed, vs.values());
            }
        } else if (a instanceof IsNull n && n.value() instanceof RowCol rc) {
            Bounds b = bounds.computeIfAbsent(rc.column(), k -> new Bounds());
            if (n.negated()) b.notNull = true;
            else b.mustNull = true;
        }
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        if (a == null) return b;
        Set<String> out = new LinkedHashSet<>(a);
        out.retainAll(b);
        return out;
    }

    private Object value(Schema.Table t, String column, String type, Bounds b) {
        if (b.mustNull) return null;
        switch (type) {
            case "date" -> {
                return dateValue(column, b);
            }
            case "int", "float" -> {
                return number(t, column, type.equals("int"), b);
            }
            case "bool" -> {
                if (b.allowed != null && !b.allowed.isEmpty()) return Boolean.valueOf(DummyValues.pick(r, List.copyOf(b.allowed)).equals("true"));
                return r.nextBoolean();
            }
            default -> {
                List<String> from = null;
                boolean shared = false;
                if (b.allowed != null && b.allowedIsCodelist) {
                    from = world.listOf(b.allowed);
                    shared = true;
                } else if (b.allowed != null) from = new ArrayList<>(b.allowed);
                else if (t.categories().get(column) != null) from = new ArrayList<>(t.categories().get(column));
                else if (literals.get(t.qualified() + "." + column) != null) {
                    // Every code compared with the column anywhere (all its codelists): listed once, not per value.
                    from = world.literalList(t.qualified() + "." + column, literals);
                    shared = true;
                }
                if (from != null) {
                    if (!b.excluded.isEmpty()) {
                        if (shared) from = new ArrayList<>(from);
                        from.removeAll(b.excluded);
                    }
                    if (!from.isEmpty()) return DummyValues.pick(r, from);
                    if (b.allowed != null) return null; // nothing allowed is left: the retry or the check will tell
                }
                for (int i = 0; i < 5; i++) {
                    String s = DummyValues.randomString(r);
                    if (!b.excluded.contains(s)) return s;
                }
                return null;
            }
        }
    }

    private LocalDate dateValue(String column, Bounds b) {
        LocalDate lo = DummyValues.date(b.lo), hi = DummyValues.date(b.hi);
        if (lo != null && b.loStrict) lo = lo.plusDays(1);
        if (hi != null && b.hiStrict) hi = hi.minusDays(1);
        if (lo == null && hi == null && !b.notNull && column.equals("end_date")) return null; // registrations and addresses: ongoing
        if (b.allowed != null && !b.allowed.isEmpty()) return DummyValues.date(DummyValues.pick(r, List.copyOf(b.allowed)));
        // Plausible: between birth and death (or today).
        LocalDate from = p.dob != null ? p.dob : LocalDate.of(1900, 1, 1);
        LocalDate to = p.death != null && p.death.isBefore(world.today) ? p.death : world.today;
        LocalDate plo = lo == null || lo.isBefore(from) ? from : lo, phi = hi == null || hi.isAfter(to) ? to : hi;
        if (!phi.isBefore(plo)) return DummyValues.uniformDay(r, plo, phi);
        // The window lies outside the patient's life: keep to the condition.
        if (lo == null) lo = hi.minusYears(5);
        if (hi == null) hi = lo.plusYears(5);
        return hi.isBefore(lo) ? lo : DummyValues.uniformDay(r, lo, hi);
    }

    private Object number(Schema.Table t, String column, boolean integer, Bounds b) {
        if (b.allowed != null && !b.allowed.isEmpty()) {
            String s = DummyValues.pick(r, List.copyOf(b.allowed));
            try {
                return integer ? (Object) Long.parseLong(s) : (Object) Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        double lo = b.lo instanceof Number n ? n.doubleValue() : Double.NaN, hi = b.hi instanceof Number n ? n.doubleValue() : Double.NaN;
        if (column.equals("practice_pseudo_id") && Double.isNaN(lo) && Double.isNaN(hi)) {
            lo = 0;
            hi = 999;
        }
        if (Double.isNaN(lo)) lo = Double.isNaN(hi) ? 0 : hi - 100;
        if (Double.isNaN(hi)) hi = lo + 100;
        if (integer) {
            long l = (long) Math.ceil(lo), h = (long) Math.floor(hi);
            if (b.loStrict && l == lo) l++;
            if (b.hiStrict && h == hi) h--;
            return h < l ? l : l + r.nextLong(h - l + 1);
        }
        for (int i = 0; i < 5; i++) {
            double v = Math.round((lo + r.nextDouble() * (hi - lo)) * 100) / 100.0;
            if ((v > lo || !b.loStrict && v >= lo) && (v < hi || !b.hiStrict && v <= hi)) return v;
        }
        return (lo + hi) / 2;
    }
}
