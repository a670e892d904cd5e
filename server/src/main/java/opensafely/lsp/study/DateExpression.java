package opensafely.lsp.study;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cohort-extractor's date expressions: {@code [FUNC(]NAME[)] [+|- N UNIT]} after removing every space, or else a
 * strict ISO date. The result says what the text means; checking names against variables is the caller's job.
 * {@code offset} is the signed N as written ("-3"; null without one), counted in {@code unit}.
 */
record DateExpression(String function, String name, String offset, String unit, String error) {
    private static final Pattern SHAPE = Pattern.compile(
            "^((?<function>[A-Za-z][A-Za-z0-9_.]*)\\()?(?<name>[A-Za-z][A-Za-z0-9_.]*)\\)?((?<op>[+-])(?<qty>\\d+)(?<unit>[A-Za-z][A-Za-z0-9_.]*))?$");
    private static final Pattern ISO = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");

    boolean valid() {
        return error == null;
    }

    /** A literal date (no name). */
    boolean literal() {
        return error == null && name == null;
    }

    /** Whether {@code name} refers to another variable rather than index_date / today. */
    boolean dynamic() {
        return name != null && !name.equals("index_date") && !name.equals("today");
    }

    static DateExpression parse(String text) {
        String s = text.replace(" ", "");
        Matcher m = SHAPE.matcher(s);
        Catalog cat = Catalog.get();
        if (m.matches()) {
            String fn = m.group("function");
            String unit = m.group("unit");
            String offset = unit == null ? null : m.group("op") + m.group("qty");
            if (fn != null && !cat.dateFunctions.contains(fn)) {
                return new DateExpression(fn, m.group("name"), offset, unit, "Unknown date function '" + fn + "' (allowed are "
                        + String.join(", ", cat.dateFunctions.stream().sorted().toList()) + ").");
            }
            if (unit != null && !cat.dateUnits.contains(unit)) {
                return new DateExpression(fn, m.group("name"), offset, unit, "Unknown date unit '" + unit + "' (allowed are "
                        + String.join(", ", cat.dateUnits) + ").");
            }
            return new DateExpression(fn, m.group("name"), offset, unit, null);
        }
        if (isIsoDate(s) && s.equals(text)) return new DateExpression(null, null, null, null, null);
        return new DateExpression(null, null, null, null, "'" + text + "' is not a YYYY-MM-DD date or a date expression such as "
                + "'index_date - 1 year' or 'first_day_of_month(index_date)'.");
    }

    static boolean isIsoDate(String s) {
        if (!ISO.matcher(s).matches()) return false;
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static List<String> units() {
        return Catalog.get().dateUnits;
    }
}
