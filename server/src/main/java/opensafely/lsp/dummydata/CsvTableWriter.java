package opensafely.lsp.dummydata;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

/**
 * A table as CSV: a header, then one line per row, fields quoted only where they must be (as Python's csv
 * module does by default). Missing values are empty fields; booleans and line ends as the {@link CsvDialect}
 * says (ehrQL's by default); dates in their column's format (ISO by default); floats as Python's repr.
 */
public final class CsvTableWriter implements TableWriter {
    private final Writer out;
    private final CsvDialect dialect;
    private final StringBuilder line = new StringBuilder(256);
    private List<ColumnSpec> columns = List.of();

    /** The caller owns {@code stream}'s framing (a gzip stream for .csv.gz); {@link #close()} closes it. */
    public CsvTableWriter(OutputStream stream) {
        this(stream, CsvDialect.EHRQL);
    }

    public CsvTableWriter(OutputStream stream, CsvDialect dialect) {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.dialect = dialect;
    }

    @Override
    public void start(List<ColumnSpec> columns) throws IOException {
        this.columns = List.copyOf(columns);
        line.setLength(0);
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) line.append(',');
            field(columns.get(i).name());
        }
        out.append(line).append(dialect.lineEnd());
    }

    @Override
    public void row(Object[] values) throws IOException {
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) line.append(',');
            Object v = values[i];
            if (v instanceof String s) field(s);
            else if (v != null) line.append(text(v, i < columns.size() ? columns.get(i).dateFormat() : ColumnSpec.ISO, dialect));
        }
        out.append(line).append(dialect.lineEnd());
    }

    @Override
    public void finish() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void field(String s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            line.append(s);
            return;
        }
        line.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') line.append('"');
            line.append(c);
        }
        line.append('"');
    }

    /** A value's text before quoting: what a reader of the CSV gets back for it ("" for missing). */
    public static String text(Object v, String dateFormat, CsvDialect dialect) {
        if (v == null) return "";
        if (v instanceof Boolean b) return b ? dialect.trueText() : dialect.falseText();
        if (v instanceof Double d) return decimal(d);
        if (v instanceof LocalDate d) {
            String iso = d.toString();
            return switch (dateFormat) {
                case "YYYY" -> String.valueOf(d.getYear());
                case "YYYY-MM" -> iso.substring(0, iso.length() - 3);
                default -> iso;
            };
        }
        return v.toString(); // Long, String
    }

    /**
     * A float as Python's repr writes it (what both csv.writer and pandas write): the shortest digits, in plain
     * notation for exponents -4 to 15 ({@code 10000000.0}, {@code 0.0001}, not Java's {@code 1.0E7} or
     * {@code 1.0E-4}), else scientific with a signed two-digit exponent ({@code 1e-05}, {@code 1.5e+16}).
     */
    static String decimal(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "";
        if (d == 0) return 1 / d < 0 ? "-0.0" : "0.0";
        String java = Double.toString(d);
        if (java.indexOf('E') < 0) return java; // 1e-3 <= |d| < 1e7: Java and Python both write plain decimals
        BigDecimal b = new BigDecimal(java).stripTrailingZeros();
        String digits = b.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - b.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = b.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain); // a float stays a float: 10000000.0
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.valueOf(Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
}
