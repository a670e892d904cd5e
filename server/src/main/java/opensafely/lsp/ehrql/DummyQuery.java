package opensafely.lsp.ehrql;

import java.util.List;
import java.util.Set;

/**
 * A dataset definition's expressions as the dummy-data generator reads them: a small tree over one patient's
 * rows, evaluated by {@link DummyWorld}. What the compiler cannot follow is {@link Opaque} and gets ehrQL's
 * candidate values for its type (spec §13); everything else is computed from the patient's constructed rows,
 * so the columns agree with each other and with the population condition.
 */
sealed interface DummyQuery {
    /** A literal: Boolean, Long, Double, LocalDate, String or null. {@code text} is the source, for messages. */
    record Const(Object value) implements DummyQuery {
    }

    /** A set of values (a codelist, a list literal) for is_in. */
    record ValueSet(Set<String> values, String label) implements DummyQuery {
    }

    /** A duration: days(n), weeks(n), months(n), years(n) with a literal n. */
    record Duration(String unit, long n) implements DummyQuery {
    }

    /** A column of the patients table (date_of_birth, sex, date_of_death): the patient's latent record. */
    record PatientCol(String column) implements DummyQuery {
    }

    /** patients.age_on(date). */
    record AgeOn(DummyQuery date) implements DummyQuery {
    }

    /**
     * A frame: a table's rows for the patient, filtered by conditions over a row ({@link RowCol}), with an order.
     * {@code parent} is the frame it was made from (for messages and to find sibling frames). {@code pick} is
     * "first"/"last" when one row has been picked (first_for_patient...), else null.
     */
    record Frame(Schema.Table table, List<DummyQuery> conditions, List<DummyQuery> sortKeys, String pick, String text) implements DummyQuery {
        Frame where(DummyQuery c, String t) {
            return new Frame(table, plus(conditions, c), sortKeys, pick, t);
        }

        static <T> List<T> plus(List<T> l, T x) {
            java.util.ArrayList<T> out = new java.util.ArrayList<>(l);
            out.add(x);
            return List.copyOf(out);
        }
    }

    /** A column of the row being looked at (inside a where condition, or the value a frame aggregation reads). */
    record RowCol(Frame frame, String column) implements DummyQuery {
    }

    /** An aggregation over a frame's rows: exists, count, first, last, min, max, sum, mean, count_distinct. */
    record Agg(Frame frame, String kind, DummyQuery value) implements DummyQuery {
    }

    record Cmp(String op, DummyQuery left, DummyQuery right) implements DummyQuery {
        /** The comparison that holds exactly when this one fails (for non-NULL values). */
        Cmp negated() {
            return new Cmp(switch (op) {
                case "==" -> "!=";
                case "!=" -> "==";
                case "<" -> ">=";
                case "<=" -> ">";
                case ">" -> "<=";
                default -> "<";
            }, left, right);
        }

        /** The same comparison with its sides swapped: {@code a < b} as {@code b > a}. */
        Cmp flipped() {
            return new Cmp(flip(op), right, left);
        }

        private static String flip(String op) {
            return switch (op) {
                case "<" -> ">";
                case "<=" -> ">=";
                case ">" -> "<";
                case ">=" -> "<=";
                default -> op;
            };
        }
    }

    record And(DummyQuery left, DummyQuery right) implements DummyQuery {
    }

    record Or(DummyQuery left, DummyQuery right) implements DummyQuery {
    }

    record Not(DummyQuery operand) implements DummyQuery {
    }

    /** except_where(c): keeps a row where c is False or NULL. */
    record Except(DummyQuery operand) implements DummyQuery {
    }

    record IsIn(DummyQuery value, DummyQuery set, boolean negated) implements DummyQuery {
    }

    record IsNull(DummyQuery value, boolean negated) implements DummyQuery {
    }

    record Case(List<DummyQuery> conditions, List<DummyQuery> values, DummyQuery otherwise) implements DummyQuery {
    }

    /** +, -, * on numbers; date ± duration; date - date gives a {@link DateDiff}. */
    record Arith(String op, DummyQuery left, DummyQuery right) implements DummyQuery {
    }

    /** (a - b).days / .months / .years. */
    record DateDiff(DummyQuery left, DummyQuery right, String unit) implements DummyQuery {
    }

    /** date.year / .month / .day. */
    record DatePart(DummyQuery date, String part) implements DummyQuery {
    }

    /** maximum_of / minimum_of. */
    record Extreme(boolean max, List<DummyQuery> values) implements DummyQuery {
    }

    /** to_category(codelist) and map_values({...}, default=...): values looked up by their text; {@code otherwise} when absent. */
    record MapValues(DummyQuery value, java.util.Map<String, Object> map, DummyQuery otherwise) implements DummyQuery {
    }

    /** x.when_null_then(y). */
    record WhenNull(DummyQuery value, DummyQuery otherwise) implements DummyQuery {
    }

    /**
     * Something the compiler does not follow: drawn from ehrQL's candidate values for the type ("bool", "int",
     * "float", "date", "str" or a code system), or the categories when known. {@code id} keeps draws apart.
     */
    record Opaque(String type, List<String> categories, int id) implements DummyQuery {
    }

    /**
     * A Python value the model does not know and that is not a series: a parameter of the run (dates read from
     * the command line, say). It is the same for every patient; in a date's place it is {@link DummyWorld#unknownDate}.
     */
    record Param(int id) implements DummyQuery {
    }
}
