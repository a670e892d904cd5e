package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.DummyValues.date;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import opensafely.lsp.ehrql.DummyQuery.*;
import opensafely.lsp.ehrql.DummyWorld.Rec;

/**
 * Builds patients that satisfy the population condition instead of drawing random ones and keeping those that
 * match (ehrQL's way, which gives few rows for a selective population). The condition is split into
 * alternatives (its disjunctive normal form); each patient takes one alternative that can hold, whose parts
 * bound the date of birth, sex and date of death and say which frames must or must not have rows; rows are then
 * drawn inside each frame's where-conditions. A patient is checked against every part of the condition the
 * model decides, and redrawn (a bounded number of times) when a combination the bounds did not foresee fails.
 */
final class DummyConstructor {
    private static final int MAX_ALTERNATIVES = 64;
    private static final int ATTEMPTS = 40;

    /** What one alternative of the population needs. */
    static final class Alternative {
        LocalDate dobLo, dobHi;
        DummyQuery dobLoPart, dobHiPart;
        Set<String> sexes;
        DummyQuery sexPart;
        Boolean deathNull;
        LocalDate deathLo, deathHi;
        final Set<Frame> required = new LinkedHashSet<>(), forbidden = new LinkedHashSet<>();
        String problem;
    }

    private final DummyWorld world;
    private final List<Frame> frames;
    private final Map<String, Set<String>> literals;
    private final List<DummyQuery> checks = new ArrayList<>();
    private final List<Alternative> alternatives = new ArrayList<>();
    private final Map<DummyQuery, DummyQuery> origin = new IdentityHashMap<>();
    private final Function<DummyQuery, String> describe;
    private final Rec nobody;
    private String problem;

    DummyConstructor(DummyWorld world, DummyQuery population, List<Frame> frames, Map<String, Set<String>> literals, Function<DummyQuery, String> describe) {
        this.world = world;
        this.frames = frames;
        this.literals = literals;
        this.describe = q -> describe.apply(origin.getOrDefault(q, q));
        this.nobody = new Rec(new SplittableRandom(0));
        if (population != null) {
            for (DummyQuery c : conjuncts(population)) if (DummyWorld.decidable(c)) checks.add(c);
            List<List<DummyQuery>> dnf = dnf(population, 0);
            if (dnf == null) dnf = List.of(List.of());
            for (List<DummyQuery> atoms : dnf) {
                Alternative a = new Alternative();
                for (DummyQuery atom : atoms) bound(a, atom);
                finish(a);
                if (a.problem == null) alternatives.add(a);
                else if (problem == null) problem = a.problem;
            }
        } else {
            alternatives.add(finishNew());
        }
        if (!alternatives.isEmpty()) problem = null;
    }

    private Alternative finishNew() {
        Alternative a = new Alternative();
        finish(a);
        return a;
    }

    /** Why no patient can be in the population (the part and its range), or null when some can. */
    String problem() {
        return problem;
    }

    // ----------------------------------------------------------------------------------- the condition

    private static List<DummyQuery> conjuncts(DummyQuery q) {
        List<DummyQuery> out = new ArrayList<>();
        if (q instanceof And a) {
            out.addAll(conjuncts(a.left()));
            out.addAll(conjuncts(a.right()));
        } else out.add(q);
        return out;
    }

    /** The condition as alternatives of atoms, or null when it has too many. */
    private List<List<DummyQuery>> dnf(DummyQuery q, int depth) {
        if (depth > 50) return null;
        if (q instanceof And a) {
            List<List<DummyQuery>> l = dnf(a.left(), depth + 1), r = dnf(a.right(), depth + 1);
            if (l == null || r == null || (long) l.size() * r.size() > MAX_ALTERNATIVES) return null;
            List<List<DummyQuery>> out = new ArrayList<>();
            for (List<DummyQuery> x : l) for (List<DummyQuery> y : r) {
                List<DummyQuery> both = new ArrayList<>(x);
                both.addAll(y);
                out.add(both);
            }
            return out;
        }
        if (q instanceof Or o) {
            List<List<DummyQuery>> l = dnf(o.left(), depth + 1), r = dnf(o.right(), depth + 1);
            if (l == null || r == null || l.size() + r.size() > MAX_ALTERNATIVES) return null;
            List<List<DummyQuery>> out = new ArrayList<>(l);
            out.addAll(r);
            return out;
        }
        if (q instanceof Not n) {
            DummyQuery neg = negate(n.operand());
            if (!(neg instanceof Not)) return dnf(neg, depth + 1);
        }
        List<List<DummyQuery>> one = new ArrayList<>();
        one.add(List.of(q));
        return one;
    }

    /** The negation of a condition, pushed inwards where that is exact for non-NULL values. */
    private DummyQuery negate(DummyQuery q) {
        DummyQuery out;
        if (q instanceof Cmp c) out = c.negated();
        else if (q instanceof IsIn i) out = new IsIn(i.value(), i.set(), !i.negated());
        else if (q instanceof IsNull i) out = new IsNull(i.value(), !i.negated());
        else if (q instanceof Not n) out = n.operand();
        else if (q instanceof Except e) out = e.operand();
        else if (q instanceof And a) out = new Or(negate(a.left()), negate(a.right()));
        else if (q instanceof Or o) out = new And(negate(o.left()), negate(o.right()));
        else out = new Not(q);
        origin.putIfAbsent(out, origin.getOrDefault(q, q));
        return out;
    }

    private boolean constant(DummyQuery q) {
        if (q instanceof Const || q instanceof Duration || q instanceof Param) return true;
        if (q instanceof Arith a) return constant(a.left()) && constant(a.right());
        if (q instanceof Extreme x) return x.values().stream().allMatch(this::constant);
        return false;
    }

    /** Narrows an alternative by one atom of the population condition. */
    private void bound(Alternative a, DummyQuery atom) {
        DummyQuery q = atom;
        if (q instanceof Cmp c && constant(c.left()) && !constant(c.right())) {
            q = c.flipped();
            origin.putIfAbsent(q, origin.getOrDefault(atom, atom));
        }
        if (q instanceof Cmp c && constant(c.right())) {
            Object v = world.eval(c.right(), nobody, null);
            if (c.left() instanceof AgeOn age && constant(age.date()) && v instanceof Long n && date(world.eval(age.date(), nobody, null)) != null) {
                LocalDate on = date(world.eval(age.date(), nobody, null));
                switch (c.op()) {
                    case ">=" -> dobHi(a, on.minusYears(n), q);
                    case ">" -> dobHi(a, on.minusYears(n + 1), q);
                    case "<" -> dobLo(a, on.minusYears(n).plusDays(1), q);
                    case "<=" -> dobLo(a, on.minusYears(n + 1).plusDays(1), q);
                    case "==" -> {
                        dobHi(a, on.minusYears(n), q);
                        dobLo(a, on.minusYears(n + 1).plusDays(1), q);
                    }
                    default -> { }
                }
                return;
            }
            if (c.left() instanceof PatientCol pc && pc.column().equals("date_of_birth") && date(v) != null) {
                LocalDate d = date(v);
                switch (c.op()) {
                    case ">=" -> dobLo(a, d, q);
                    case ">" -> dobLo(a, d.plusDays(1), q);
                    case "<=" -> dobHi(a, d, q);
                    case "<" -> dobHi(a, d.minusDays(1), q);
                    case "==" -> {
                        dobLo(a, d, q);
                        dobHi(a, d, q);
                    }
                    default -> { }
                }
                return;
            }
            if (c.left() instanceof PatientCol pc && pc.column().equals("date_of_death") && date(v) != null) {
                LocalDate d = date(v);
                a.deathNull = a.deathNull == Boolean.TRUE ? conflict(a, q, "needs a date of death, but another part needs none") : Boolean.FALSE;
                switch (c.op()) {
                    case ">=" -> a.deathLo = max(a.deathLo, d);
                    case ">" -> a.deathLo = max(a.deathLo, d.plusDays(1));
                    case "<=" -> a.deathHi = min(a.deathHi, d);
                    case "<" -> a.deathHi = min(a.deathHi, d.minusDays(1));
                    default -> { }
                }
                return;
            }
            if (c.left() instanceof PatientCol pc && pc.column().equals("sex") && v instanceof String s) {
                if (c.op().equals("==")) sexes(a, Set.of(s), false, q);
                if (c.op().equals("!=")) sexes(a, Set.of(s), true, q);
                return;
            }
            if (c.left() instanceof Agg g && g.kind().equals("count") && v instanceof Long n) {
                boolean some = switch (c.op()) {
                    case ">=", "==" -> n >= 1;
                    case ">" -> n >= 0;
                    case "!=" -> n == 0;
                    default -> false;
                };
                boolean none = c.op().equals("==") && n == 0 || c.op().equals("<") && n <= 1 || c.op().equals("<=") && n == 0;
                if (some) require(a, g.frame(), q);
                if (none) forbid(a, g.frame(), q);
                return;
            }
        }
        if (q instanceof Cmp c && c.left() instanceof Agg g && !g.kind().equals("count") && !g.kind().equals("exists")) require(a, g.frame(), q);
        if (q instanceof IsIn i && i.value() instanceof PatientCol pc && pc.column().equals("sex") && i.set() instanceof ValueSet vs) sexes(a, vs.values(), i.negated(), q);
        if (q instanceof IsIn i && i.value() instanceof Agg g && !i.negated()) require(a, g.frame(), q);
        if (q instanceof IsNull n && n.value() instanceof PatientCol pc && pc.column().equals("date_of_death")) {
            boolean wantNull = !n.negated();
            if (a.deathNull != null && a.deathNull != wantNull) conflict(a, q, wantNull ? "needs no date of death, but another part needs one" : "needs a date of death, but another part needs none");
            a.deathNull = wantNull;
        }
        if (q instanceof IsNull n && n.value() instanceof Agg g) {
            if (n.negated()) require(a, g.frame(), q);
            else if (!g.kind().equals("count") && !g.kind().equals("exists")) forbid(a, g.frame(), q);
        }
        if (q instanceof Agg g && g.kind().equals("exists")) require(a, g.frame(), q);
        if (q instanceof Not n && n.operand() instanceof Agg g && g.kind().equals("exists")) forbid(a, g.frame(), q);
    }

    private Boolean conflict(Alternative a, DummyQuery part, String why) {
        if (a.problem == null) a.problem = describe.apply(part) + " " + why;
        return null;
    }

    private void dobLo(Alternative a, LocalDate d, DummyQuery part) {
        if (a.dobLo == null || d.isAfter(a.dobLo)) {
            a.dobLo = d;
            a.dobLoPart = part;
        }
    }

    private void dobHi(Alternative a, LocalDate d, DummyQuery part) {
        if (a.dobHi == null || d.isBefore(a.dobHi)) {
            a.dobHi = d;
            a.dobHiPart = part;
        }
    }

    private void sexes(Alternative a, Set<String> values, boolean negated, DummyQuery part) {
        Set<String> s = new LinkedHashSet<>(a.sexes != null ? a.sexes : DummyValues.SEXES);
        if (negated) s.removeAll(values);
        else s.retainAll(values);
        if (s.isEmpty() && a.problem == null) {
            a.problem = describe.apply(part) + (a.sexPart != null ? " and " + describe.apply(a.sexPart) : "")
                    + " leave no value of sex (ehrQL's are " + String.join(", ", DummyValues.SEXES) + ")";
        }
        a.sexes = s;
        a.sexPart = part;
    }

    private void require(Alternative a, Frame f, DummyQuery part) {
        if (a.forbidden.contains(f) && a.problem == null) a.problem = describe.apply(part) + " needs a row of " + f.text() + " that another part rules out";
        a.required.add(f);
    }

    private void forbid(Alternative a, Frame f, DummyQuery part) {
        if (a.required.contains(f) && a.problem == null) a.problem = describe.apply(part) + " rules out rows of " + f.text() + " that another part needs";
        a.forbidden.add(f);
    }

    private void finish(Alternative a) {
        LocalDate today = world.today;
        if (a.dobLo == null) a.dobLo = a.dobHi != null && a.dobHi.isBefore(today.minusYears(100)) ? a.dobHi.minusYears(10) : today.minusYears(100);
        if (a.dobHi == null) a.dobHi = a.dobLo.isAfter(today) ? a.dobLo.plusYears(1) : today;
        LocalDate firstOfMonth = a.dobLo.getDayOfMonth() == 1 ? a.dobLo : a.dobLo.withDayOfMonth(1).plusMonths(1);
        if (a.problem == null && firstOfMonth.isAfter(a.dobHi)) {
            String parts = a.dobLoPart != null && a.dobHiPart != null && a.dobLoPart != a.dobHiPart
                    ? describe.apply(a.dobHiPart) + " and " + describe.apply(a.dobLoPart)
                    : describe.apply(a.dobHiPart != null ? a.dobHiPart : a.dobLoPart);
            a.problem = parts + " leave no date of birth: it would have to be on or after " + a.dobLo + " and on or before " + a.dobHi
                    + (a.dobLo.isAfter(a.dobHi) ? "" : " (ehrQL's dates of birth are the first of a month)");
        }
        if (a.problem == null && a.deathLo != null && a.deathHi != null && a.deathLo.isAfter(a.deathHi)) {
            a.problem = "the population's conditions on the date of death leave none: it would have to be on or after " + a.deathLo + " and on or before " + a.deathHi;
        }
        for (Frame f : a.required) {
            if (a.problem != null) break;
            String empty = constantWindowEmpty(f);
            if (empty != null) a.problem = empty;
        }
    }

    /** A required frame whose where-conditions give a date column an empty constant window. */
    private String constantWindowEmpty(Frame f) {
        Map<String, LocalDate[]> windows = new HashMap<>();
        Map<String, DummyQuery[]> parts = new HashMap<>();
        for (DummyQuery c : f.conditions()) {
            for (DummyQuery atom : conjuncts(c)) {
                if (!(atom instanceof Cmp given)) continue;
                Cmp cmp = constant(given.left()) && given.right() instanceof RowCol ? given.flipped() : given;
                DummyQuery col = cmp.left(), val = cmp.right();
                String op = cmp.op();
                if (!(col instanceof RowCol rc) || !constant(val)) continue;
                LocalDate d = date(world.eval(val, nobody, null));
                if (d == null) continue;
                LocalDate[] w = windows.computeIfAbsent(rc.column(), k -> new LocalDate[2]);
                DummyQuery[] p = parts.computeIfAbsent(rc.column(), k -> new DummyQuery[2]);
                switch (op) {
                    case ">=", ">" -> {
                        LocalDate lo = op.equals(">") ? d.plusDays(1) : d;
                        if (w[0] == null || lo.isAfter(w[0])) {
                            w[0] = lo;
                            p[0] = atom;
                        }
                    }
                    case "<=", "<" -> {
                        LocalDate hi = op.equals("<") ? d.minusDays(1) : d;
                        if (w[1] == null || hi.isBefore(w[1])) {
                            w[1] = hi;
                            p[1] = atom;
                        }
                    }
                    default -> { }
                }
            }
        }
        for (Map.Entry<String, LocalDate[]> e : windows.entrySet()) {
            LocalDate[] w = e.getValue();
            if (w[0] != null && w[1] != null && w[0].isAfter(w[1])) {
                DummyQuery[] p = parts.get(e.getKey());
                return describe.apply(p[0]) + " and " + describe.apply(p[1]) + " leave no " + e.getKey() + " for a row the population needs: it would have to be on or after "
                        + w[0] + " and on or before " + w[1];
            }
        }
        return null;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    // ---------------------------------------------------------------------------------- construction

    /** One patient of the population (or, when the model cannot make one that passes every check, its last try). */
    Rec construct(SplittableRandom r) {
        Rec last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Rec p = draw(r, choose(r));
            if (passes(p)) return p;
            last = p;
        }
        return last;
    }

    boolean passes(Rec p) {
        for (DummyQuery c : checks) if (!Boolean.TRUE.equals(world.truth(c, p, null))) return false;
        return true;
    }

    private Alternative choose(SplittableRandom r) {
        if (alternatives.size() == 1) return alternatives.get(0);
        // Alternatives that need a death are rarer, as deaths are among real patients.
        return DummyValues.weighted(r, alternatives, a -> a.deathNull == Boolean.FALSE ? 0.1 : 1);
    }

    private Rec draw(SplittableRandom r, Alternative a) {
        Rec p = new Rec(r);
        p.dob = DummyValues.firstOfMonth(r, a.dobLo, a.dobHi);
        List<String> sexes = new ArrayList<>(a.sexes != null ? a.sexes : DummyValues.SEXES);
        p.sex = sex(r, sexes);
        boolean dies = a.deathNull == Boolean.FALSE || a.deathNull == null && r.nextInt(10) == 0;
        if (dies) {
            LocalDate lo = max(a.deathLo, p.dob), hi = min(a.deathHi, world.today);
            p.death = hi.isBefore(lo) ? (a.deathNull == Boolean.FALSE ? lo : null) : DummyValues.uniformDay(r, lo, hi);
        }
        for (Frame f : frames) {
            if (f.table().name().equals("patients")) {
                if (p.table(f.table()).isEmpty()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("date_of_birth", p.dob);
                    row.put("sex", p.sex);
                    row.put("date_of_death", p.death);
                    p.table(f.table()).add(row);
                }
                continue;
            }
            if (a.forbidden.contains(f)) continue;
            boolean required = a.required.contains(f);
            if (!required && r.nextInt(2) == 0) continue;
            List<Map<String, Object>> rows = p.table(f.table());
            if (!f.table().event() && !rows.isEmpty()) continue; // one row per patient
            int k = f.table().event() ? 1 + geometric(r) : 1;
            for (int i = 0; i < k; i++) rows.add(new DummyRows(world, literals, p, r).draw(f));
        }
        for (Frame f : frames) {
            // Most patients have a registration: a baseline one from birth (or later), ongoing.
            if (f.table().name().equals("practice_registrations") && p.table(f.table()).isEmpty() && !a.forbidden.contains(f)) {
                Map<String, Object> row = new DummyRows(world, literals, p, r).draw(new Frame(f.table(), List.of(), List.of(), null, f.table().name()));
                p.table(f.table()).add(row);
            }
        }
        return p;
    }

    private static String sex(SplittableRandom r, List<String> allowed) {
        if (allowed.isEmpty()) return "unknown";
        return DummyValues.weighted(r, allowed, s -> s.equals("female") || s.equals("male") ? 49 : 1);
    }

    /** 0, 1, 2... with mean 1, capped: a few rows per frame. */
    private static int geometric(SplittableRandom r) {
        int n = 0;
        while (n < 4 && r.nextBoolean()) n++;
        return n;
    }
}
