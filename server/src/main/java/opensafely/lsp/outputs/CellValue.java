package opensafely.lsp.outputs;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one cell holds, read as Airlock's per-column summary reads it (tooling spec §4.4): after trimming spaces and
 * lower-casing, {@code "" null none nan} are missing; {@code [redacted] redacted na n/a <=7} are
 * redacted; the rest is an integer, a number or text.
 *
 * @param number the value of a number (integer or float), else null
 */
public record CellValue(Kind kind, BigDecimal number) {
    public enum Kind { MISSING, REDACTED, INTEGER, FLOAT, TEXT }

    private static final Set<String> MISSING = Set.of("", "null", "none", "nan");
    private static final Set<String> REDACTED = Set.of("[redacted]", "redacted", "na", "n/a", "<=7");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,30}");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d{1,30}(\\.\\d{0,30})?|\\.\\d{1,30})([eE][+-]?\\d{1,3})?");

    public static CellValue of(String raw) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        if (MISSING.contains(s)) return new CellValue(Kind.MISSING, null);
        if (REDACTED.contains(s)) return new CellValue(Kind.REDACTED, null);
        if (INTEGER.matcher(s).matches()) return new CellValue(Kind.INTEGER, new BigDecimal(s));
        if (FLOAT.matcher(s).matches()) {
            try {
                return new CellValue(Kind.FLOAT, new BigDecimal(s));
            } catch (NumberFormatException e) {
                return new CellValue(Kind.TEXT, null);
            }
        }
        return new CellValue(Kind.TEXT, null);
    }

    public boolean numeric() {
        return number != null;
    }

    /** A whole number: an integer, or a float such as pandas writes for an integer column with gaps ("10.0"). */
    public boolean integral() {
        return number != null && number.stripTrailingZeros().scale() <= 0;
    }

    /** The whole number this cell holds, if it is one of a size a count can have. */
    public long longValue() {
        return number.longValue();
    }
}
