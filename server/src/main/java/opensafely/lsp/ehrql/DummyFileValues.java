package opensafely.lsp.ehrql;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import opensafely.lsp.dummydata.ColumnType;

/**
 * Values of a file ehrQL reads (a dummy data file, a dummy table), parsed as ehrQL's file readers parse them:
 * in CSV an empty field is NULL, ints and floats as Python reads them, booleans {@code T}/{@code F}, dates ISO;
 * in Arrow the value already has its type. A value that does not parse is an {@link IllegalArgumentException}
 * whose message says why, in a few words, for a line naming the column.
 */
final class DummyFileValues {
    private static final Pattern INT = Pattern.compile("[+-]?\\d+(_\\d+)*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?((\\d+(_\\d+)*)?\\.?\\d+(_\\d+)*([eE][+-]?\\d+)?|\\d+(_\\d+)*\\.([eE][+-]?\\d+)?|nan|inf|infinity)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BASIC_DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");

    private DummyFileValues() {
    }

    /** ehrQL's primitive type of a model type: bool, int, float, date, str (codes are strings); null when not known. */
    static String primitive(String type) {
        if (type == null) return null;
        return switch (type) {
            case "bool", "int", "float", "date", "str" -> type;
            default -> type.endsWith("Code") || type.endsWith("CodeString") || type.startsWith("code") ? "str" : null;
        };
    }

    static ColumnType columnType(String primitive) {
        return primitive == null ? ColumnType.STRING : DummyDatasetSpec.columnType(primitive);
    }

    /** A CSV field as ehrQL parses it for a column of this primitive type (null: not known, kept as text). */
    static Object parseCsv(String text, String primitive) {
        if (text == null || text.isEmpty()) return null;
        if (primitive == null) return text;
        String t = text.strip();
        return switch (primitive) {
            case "int" -> {
                if (!INT.matcher(t).matches()) throw new IllegalArgumentException("'" + text + "' is not a whole number");
                try {
                    yield Long.parseLong(t.replace("_", "").replaceFirst("^\\+", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is too large a number");
                }
            }
            case "float" -> {
                if (!FLOAT.matcher(t).matches()) throw new IllegalArgumentException("'" + text + "' is not a number");
                String s = t.replace("_", "").toLowerCase(Locale.ROOT);
                if (s.endsWith("nan")) yield Double.NaN;
                if (s.endsWith("inf") || s.endsWith("infinity")) yield s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                yield Double.parseDouble(s);
            }
            case "bool" -> {
                if (text.equals("T")) yield Boolean.TRUE;
                if (text.equals("F")) yield Boolean.FALSE;
                throw new IllegalArgumentException("'" + text + "' is not a boolean: ehrQL writes T or F");
            }
            case "date" -> date(text);
            default -> text;
        };
    }

    private static LocalDate date(String text) {
        try {
            var m = BASIC_DATE.matcher(text);
            if (m.matches()) return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            if (text.length() == 10) return LocalDate.parse(text);
        } catch (java.time.DateTimeException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("'" + text + "' is not a date (YYYY-MM-DD)");
    }

    /** Whether an Arrow column's type (TableReader.typeOf) is what ehrQL accepts for this primitive type. */
    static boolean arrowTypeFits(String arrowType, String primitive) {
        return primitive == null || primitive.equals(arrowType);
    }

    /** The category check ehrQL makes: a value outside the column's categories is an error. */
    static void checkCategory(Object value, List<String> categories) {
        if (value == null || categories == null || categories.isEmpty()) return;
        String s = value instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(value);
        if (!categories.contains(s)) {
            throw new IllegalArgumentException("'" + s + "' is not one of its categories (" + String.join(", ", categories) + ")");
        }
    }
}
