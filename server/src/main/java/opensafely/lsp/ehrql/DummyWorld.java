package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.DummyValues.cmp;
import static opensafely.lsp.ehrql.DummyValues.compare;
import static opensafely.lsp.ehrql.DummyValues.date;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import opensafely.lsp.ehrql.DummyQuery.*;

/**
 * One patient as the dummy-data generator makes it: a latent record (date of birth, sex, date of death) and
 * rows of each table the definition reads; and the evaluation of a {@link DummyQuery} over them, with ehrQL's
 * NULL rules. Every dataset column is computed from these rows, so columns agree with each other and with the
 * population condition the rows were constructed to satisfy ({@link DummyConstructor}).
 */
final class DummyWorld {
    /** One patient. Rows by table (qualified name); each row maps column → value. */
    static final class Rec {
        LocalDate dob;
        String sex;
        LocalDate death;
        final Map<String, List<Map<String, Object>>> rows = new HashMap<>();
        final Map<Integer, Object> opaque = new HashMap<>();
        final SplittableRandom random;

        Rec(SplittableRandom random) {
            this.random = random;
        }

        List<Map<String, Object>> table(Schema.Table t) {
            return rows.computeIfAbsent(t.qualified(), k -> new ArrayList<>());
        }

        /**
         * Patient-level aggregates already computed, while the patient is as it was then (rows are only ever
         * added, never changed). Without it a frame filtered on another aggregate (`where(date > first_bmi.date)`,
         * chained as helpers write them) costs rows^depth evaluations.
         */
        private final Map<Agg, Object> memo = new java.util.IdentityHashMap<>();
        private long memoRows = -1;
        private LocalDate memoDob, memoDeath;
        private String memoSex;

        Map<Agg, Object> memo() {
            long n = 0;
            for (List<Map<String, Object>> l : rows.values()) n += l.size();
            if (n != memoRows || !java.util.Objects.equals(dob, memoDob) || !java.util.Objects.equals(sex, memoSex) || !java.util.Objects.equals(death, memoDeath)) {
                memo.clear();
                memoRows = n;
                memoDob = dob;
                memoSex = sex;
                memoDeath = death;
            }
            return memo;
        }
    }

    final LocalDate today;
    final long populationSize;

    /** The date a parameter the model does not know stands for: 1 January of last year, the same for everyone. */
    final LocalDate unknownDate;

    /** The literal values of each "table.column", as a list to draw from (the compiler's sets are fixed by now). */
    private final Map<String, List<String>> literalLists = new java.util.concurrent.ConcurrentHashMap<>();

    List<String> literalList(String key, Map<String, java.util.Set<String>> literals) {
        return literalLists.computeIfAbsent(key, k -> List.copyOf(literals.get(k)));
    }

    /** A codelist's codes as a list to draw from, made once per codelist set (the compiled queries hold the sets). */
    private final Map<java.util.Set<String>, List<String>> codeLists = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    List<String> listOf(java.util.Set<String> codes) {
        return codeLists.computeIfAbsent(codes, List::copyOf);
    }

    DummyWorld(LocalDate today, long populationSize) {
        this.today = today;
        this.populationSize = populationSize;
        this.unknownDate = LocalDate.of(today.getYear() - 1, 1, 1);
    }

    Boolean truth(DummyQuery q, Rec p, Map<String, Object> row) {
        return eval(q, p, row, 0) instanceof Boolean b ? b : null;
    }

    Object eval(DummyQuery q, Rec p, Map<String, Object> row) {
        return eval(q, p, row, 0);
    }

    private Object eval(DummyQuery q, Rec p, Map<String, Object> row, int depth) {
        if (q == null || depth > 200) return null;
        int d = depth + 1;
        if (q instanceof Const c) return c.value();
        if (q instanceof PatientCol pc) {
            return switch (pc.column()) {
                case "date_of_birth" -> p.dob;
                case "sex" -> p.sex;
                default -> p.death;
            };
        }
        if (q instanceof AgeOn a) {
            LocalDate on = date(eval(a.date(), p, row, d));
            return on == null || p.dob == null ? null : DummyValues.years(p.dob, on);
        }
        if (q instanceof RowCol rc) return row == null ? null : row.get(rc.column());
        if (q instanceof Agg a) return aggregate(a, p, d);
        if (q instanceof Cmp c) return cmp(c.op(), eval(c.left(), p, row, d), eval(c.right(), p, row, d));
        if (q instanceof And a) {
            Object l = eval(a.left(), p, row, d);
            if (Boolean.FALSE.equals(l)) return false;
            Object r = eval(a.right(), p, row, d);
            if (Boolean.FALSE.equals(r)) return false;
            return l == null || r == null ? null : true;
        }
        if (q instanceof Or o) {
            Object l = eval(o.left(), p, row, d);
            if (Boolean.TRUE.equals(l)) return true;
            Object r = eval(o.right(), p, row, d);
            if (Boolean.TRUE.equals(r)) return true;
            return l == null || r == null ? null : false;
        }
        if (q instanceof Not n) return eval(n.operand(), p, row, d) instanceof Boolean b ? !b : null;
        if (q instanceof Except e) return !Boolean.TRUE.equals(eval(e.operand(), p, row, d));
        if (q instanceof IsIn in) {
            Object v = eval(in.value(), p, row, d);
            if (v == null || !(in.set() instanceof ValueSet set)) return null;
            return set.values().contains(String.valueOf(v)) != in.negated();
        }
        if (q instanceof IsNull n) return (eval(n.value(), p, row, d) == null) != n.negated();
        if (q instanceof Case c) {
            for (int i = 0; i < c.conditions().size(); i++) {
                if (Boolean.TRUE.equals(eval(c.conditions().get(i), p, row, d))) return eval(c.values().get(i), p, row, d);
            }
            return eval(c.otherwise(), p, row, d);
        }
        if (q instanceof MapValues mv) {
            Object v = eval(mv.value(), p, row, d);
            if (v == null) return null;
            String key = v instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(v);
            return mv.map().containsKey(key) ? mv.map().get(key) : eval(mv.otherwise(), p, row, d);
        }
        if (q instanceof WhenNull w) {
            Object v = eval(w.value(), p, row, d);
            return v != null ? v : eval(w.otherwise(), p, row, d);
        }
        if (q instanceof Arith a) return arith(a.op(), eval(a.left(), p, row, d), a.right() instanceof Duration du ? du : eval(a.right(), p, row, d));
        if (q instanceof DateDiff dd) {
            LocalDate a = date(eval(dd.left(), p, row, d)), b = date(eval(dd.right(), p, row, d));
            if (a == null || b == null) return null;
            return switch (dd.unit()) {
                case "days" -> ChronoUnit.DAYS.between(b, a);
                case "weeks" -> ChronoUnit.WEEKS.between(b, a);
                case "months" -> ChronoUnit.MONTHS.between(b, a);
                default -> ChronoUnit.YEARS.between(b, a);
            };
        }
        if (q instanceof DatePart dp) {
            LocalDate v = date(eval(dp.date(), p, row, d));
            if (v == null) return null;
            return (long) switch (dp.part()) {
                case "year" -> v.getYear();
                case "month" -> v.getMonthValue();
                default -> v.getDayOfMonth();
            };
        }
        if (q instanceof Extreme x) {
            Object best = null;
            for (DummyQuery v : x.values()) {
                Object o = eval(v, p, row, d);
                if (o == null) continue;
                Integer c = best == null ? null : compare(o, best);
                if (best == null || c != null && (x.max() ? c > 0 : c < 0)) best = o;
            }
            return best;
        }
        if (q instanceof Param) return unknownDate;
        if (q instanceof Opaque o) return p.opaque.computeIfAbsent(o.id(), k -> candidate(o.type(), o.categories(), p.random));
        return null;
    }

    private static Object arith(String op, Object a, Object b) {
        if (a == null || b == null) return null;
        if (b instanceof Duration du) {
            LocalDate x = date(a);
            if (x == null) return null;
            long n = op.equals("-") ? -du.n() : du.n();
            return switch (du.unit()) {
                case "days" -> x.plusDays(n);
                case "weeks" -> x.plusWeeks(n);
                case "months" -> x.plusMonths(n);
                default -> x.plusYears(n);
            };
        }
        if (op.equals("/")) return a instanceof Number x && b instanceof Number y && y.doubleValue() != 0 ? x.doubleValue() / y.doubleValue() : null;
        if (a instanceof Long x && b instanceof Long y) {
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                default -> x * y;
            };
        }
        if (a instanceof Number x && b instanceof Number y) {
            return switch (op) {
                case "+" -> x.doubleValue() + y.doubleValue();
                case "-" -> x.doubleValue() - y.doubleValue();
                default -> x.doubleValue() * y.doubleValue();
            };
        }
        return null;
    }

    /** The patient's rows of a frame: its table's rows that pass every condition, in the frame's order. */
    List<Map<String, Object>> rows(Frame f, Rec p) {
        List<Map<String, Object>> all = p.rows.getOrDefault(f.table().qualified(), List.of());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : all) if (passes(f, p, r)) out.add(r);
        if (!f.sortKeys().isEmpty() && out.size() > 1) {
            Comparator<Map<String, Object>> byKeys = (a, b) -> {
                for (DummyQuery k : f.sortKeys()) {
                    Object x = eval(k, p, a), y = eval(k, p, b);
                    if (x == null || y == null) {
                        if (x != y) return x == null ? -1 : 1; // NULLs sort first, as ehrQL's do
                        continue;
                    }
                    Integer c = compare(x, y);
                    if (c != null && c != 0) return c;
                }
                return 0;
            };
            out.sort(byKeys);
        }
        return out;
    }

    boolean passes(Frame f, Rec p, Map<String, Object> row) {
        for (DummyQuery c : f.conditions()) if (!Boolean.TRUE.equals(eval(c, p, row))) return false;
        return true;
    }

    private Object aggregate(Agg a, Rec p, int depth) {
        Map<Agg, Object> memo = p.memo();
        if (memo.containsKey(a)) return memo.get(a);
        Object v = aggregate0(a, p, depth);
        p.memo().put(a, v);
        return v;
    }

    private Object aggregate0(Agg a, Rec p, int depth) {
        List<Map<String, Object>> rows = rows(a.frame(), p);
        switch (a.kind()) {
            case "exists" -> {
                return !rows.isEmpty();
            }
            case "count" -> {
                return (long) rows.size();
            }
            case "first", "last" -> {
                if (rows.isEmpty()) return null;
                return eval(a.value(), p, a.kind().equals("first") ? rows.get(0) : rows.get(rows.size() - 1), depth);
            }
            default -> {
                List<Object> vals = new ArrayList<>();
                for (Map<String, Object> r : rows) {
                    Object v = eval(a.value(), p, r, depth);
                    if (v != null) vals.add(v);
                }
                if (a.kind().equals("count_distinct")) return (long) new HashSet<>(vals).size();
                if (vals.isEmpty()) return null;
                switch (a.kind()) {
                    case "min", "max" -> {
                        Object best = vals.get(0);
                        for (Object v : vals) {
                            Integer c = compare(v, best);
                            if (c != null && (a.kind().equals("max") ? c > 0 : c < 0)) best = v;
                        }
                        return best;
                    }
                    case "sum" -> {
                        if (vals.stream().allMatch(v -> v instanceof Long)) return vals.stream().mapToLong(v -> (Long) v).sum();
                        return vals.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
                    }
                    default -> {
                        return vals.stream().mapToDouble(v -> v instanceof Number n ? n.doubleValue() : 0).average().orElse(0);
                    }
                }
            }
        }
    }

    /**
     * ehrQL's candidate values for a column it cannot decide (spec §13): categories when known; dates from
     * 1900-01-01 to today; int −max(100, 2N)…max(100, 2N)−1; float 0.00, 0.01…; NULL always a candidate.
     */
    Object candidate(String type, List<String> categories, SplittableRandom r) {
        if (r.nextInt(10) == 0) return null;
        if (categories != null && !categories.isEmpty()) {
            String c = DummyValues.pick(r, categories);
            return switch (type == null ? "str" : type) {
                case "int" -> parseLong(c);
                case "bool" -> Boolean.valueOf(c.equals("True") || c.equals("true"));
                default -> c;
            };
        }
        long m = Math.max(100, 2 * populationSize);
        return switch (type == null ? "str" : type) {
            case "bool" -> r.nextBoolean();
            case "int" -> r.nextLong(-m, m);
            case "float" -> r.nextLong(Math.max(101, 2 * populationSize + 1)) / 100.0;
            case "date" -> DummyValues.uniformDay(r, LocalDate.of(1900, 1, 1), today);
            default -> DummyValues.randomString(r);
        };
    }

    private static Object parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Every frame a query aggregates over, in the order met (frames that are equal are one). */
    static void frames(DummyQuery q, Map<Frame, Boolean> out, int depth) {
        if (q == null || depth > 200) return;
        int d = depth + 1;
        if (q instanceof Agg a) {
            out.putIfAbsent(a.frame(), true);
            frames(a.value(), out, d);
            for (DummyQuery c : a.frame().conditions()) frames(c, out, d);
        } else if (q instanceof Cmp c) {
            frames(c.left(), out, d);
            frames(c.right(), out, d);
        } else if (q instanceof And a) {
            frames(a.left(), out, d);
            frames(a.right(), out, d);
        } else if (q instanceof Or o) {
            frames(o.left(), out, d);
            frames(o.right(), out, d);
        } else if (q instanceof Not n) frames(n.operand(), out, d);
        else if (q instanceof Except e) frames(e.operand(), out, d);
        else if (q instanceof IsIn i) frames(i.value(), out, d);
        else if (q instanceof IsNull i) frames(i.value(), out, d);
        else if (q instanceof Case c) {
            c.conditions().forEach(x -> frames(x, out, d));
            c.values().forEach(x -> frames(x, out, d));
            frames(c.otherwise(), out, d);
        } else if (q instanceof Arith a) {
            frames(a.left(), out, d);
            frames(a.right(), out, d);
        } else if (q instanceof DateDiff x) {
            frames(x.left(), out, d);
            frames(x.right(), out, d);
        } else if (q instanceof DatePart x) frames(x.date(), out, d);
        else if (q instanceof Extreme x) x.values().forEach(v -> frames(v, out, d));
        else if (q instanceof MapValues mv) {
            frames(mv.value(), out, d);
            frames(mv.otherwise(), out, d);
        } else if (q instanceof WhenNull w) {
            frames(w.value(), out, d);
            frames(w.otherwise(), out, d);
        } else if (q instanceof AgeOn a) frames(a.date(), out, d);
    }

    /** Whether a query has a part the compiler did not follow (its value is then a fallback draw, not decided). */
    static boolean decidable(DummyQuery q) {
        Map<Frame, Boolean> ignored = new LinkedHashMap<>();
        return decidable(q, ignored, 0);
    }

    private static boolean decidable(DummyQuery q, Map<Frame, Boolean> seen, int depth) {
        if (q == null) return true;
        if (q instanceof Opaque || depth > 200) return false;
        int d = depth + 1;
        if (q instanceof Agg a) {
            if (seen.put(a.frame(), true) == null) for (DummyQuery c : a.frame().conditions()) if (!decidable(c, seen, d)) return false;
            for (DummyQuery k : a.frame().sortKeys()) if (!decidable(k, seen, d)) return false;
            return decidable(a.value(), seen, d);
        }
        if (q instanceof Cmp c) return decidable(c.left(), seen, d) && decidable(c.right(), seen, d);
        if (q instanceof And a) return decidable(a.left(), seen, d) && decidable(a.right(), seen, d);
        if (q instanceof Or o) return decidable(o.left(), seen, d) && decidable(o.right(), seen, d);
        if (q instanceof Not n) return decidable(n.operand(), seen, d);
        if (q instanceof Except e) return decidable(e.operand(), seen, d);
        if (q instanceof IsIn i) return decidable(i.value(), seen, d) && i.set() instanceof ValueSet;
        if (q instanceof IsNull i) return decidable(i.value(), seen, d);
        if (q instanceof Case c) {
            for (DummyQuery x : c.conditions()) if (!decidable(x, seen, d)) return false;
            for (DummyQuery x : c.values()) if (!decidable(x, seen, d)) return false;
            return decidable(c.otherwise(), seen, d);
        }
        if (q instanceof Arith a) return decidable(a.left(), seen, d) && decidable(a.right(), seen, d);
        if (q instanceof DateDiff x) return decidable(x.left(), seen, d) && decidable(x.right(), seen, d);
        if (q instanceof DatePart x) return decidable(x.date(), seen, d);
        if (q instanceof Extreme x) return x.values().stream().allMatch(v -> decidable(v, seen, d));
        if (q instanceof WhenNull w) return decidable(w.value(), seen, d) && decidable(w.otherwise(), seen, d);
        if (q instanceof MapValues mv) return decidable(mv.value(), seen, d) && decidable(mv.otherwise(), seen, d);
        if (q instanceof AgeOn a) return decidable(a.date(), seen, d);
        return true;
    }
}
