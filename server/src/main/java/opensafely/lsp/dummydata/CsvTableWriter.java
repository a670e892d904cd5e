package opensafely.lsp.dummydata;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A table as CSV: a header, then one line per row, fields quoted only where they must be (as Python's csv
 * module does by default). Missing values are empty fields; booleans are {@code T}/{@code F}, as ehrQL writes
 * them; dates ISO; floats in plain decimal notation.
 */
public final class CsvTableWriter implements TableWriter {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    /** The caller owns {@code stream}'s framing (a gzip stream for .csv.gz); {@link #close()} closes it. */
    public CsvTableWriter(OutputStream stream) {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public void start(List<ColumnSpec> columns) throws IOException {
        line.setLength(0);
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) line.append(',');
            field(columns.get(i).name());
        }
        out.append(line).append("\r\n");
    }

    @Override
    public void row(Object[] values) throws IOException {
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) line.append(',');
            Object v = values[i];
            if (v == null) continue;
            if (v instanceof Boolean b) line.append(b ? 'T' : 'F');
            else if (v instanceof Double d) line.append(decimal(d));
            else if (v instanceof String s) field(s);
            else line.append(v); // Long, LocalDate (ISO)
        }
        out.append(line).append("\r\n");
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

    /** Plain decimal notation, as Python's repr writes floats under 1e16 ({@code 10000000.0}, not Java's {@code 1.0E7}). */
    static String decimal(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "";
        String s = Double.toString(d);
        if (s.indexOf('E') < 0) return s;
        String plain = new BigDecimal(s).toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain; // a float stays a float: 10000000.0, as Python writes it
    }
}
