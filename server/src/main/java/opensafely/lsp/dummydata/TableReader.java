package opensafely.lsp.dummydata;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reads a table a user provides (a dummy data file, a dummy table) row by row, in the formats ehrQL and
 * cohort-extractor read: CSV (optionally gzipped) and Arrow IPC files (.arrow, .feather). CSV values are the
 * text of the field ({@code ""} for an empty one); Arrow values are Long, Double, Boolean, LocalDate, String or
 * null, dictionaries decoded. Memory holds one Arrow record batch or one CSV line.
 */
public abstract class TableReader implements Closeable {
    /** A CSV field longer than this is not a table a user meant: reading stops with an error. */
    static final int MAX_FIELD_CHARS = 1 << 20;

    /** The column names, in the file's order. */
    public abstract List<String> header();

    /**
     * The column's type as ehrQL names its primitive types (bool, int, float, str, date), or the Arrow type's own
     * text for any other; null for CSV, whose fields are all text.
     */
    public abstract String typeOf(int column);

    /** For an Arrow column read through a dictionary: the dictionary's values; else null. */
    public List<String> dictionary(int column) {
        return null;
    }

    /** The next row (values in header order; the array may be reused), or null after the last. */
    public abstract Object[] next() throws IOException;

    /** A CSV table, gzipped or not; {@code in} is closed with the reader. */
    public static TableReader csv(InputStream in, boolean gzipped) throws IOException {
        InputStream raw = gzipped ? new GZIPInputStream(in, 1 << 16) : in;
        return new Csv(new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16));
    }

    /** An Arrow IPC file; {@code channel} is closed with the reader. */
    public static TableReader arrow(SeekableByteChannel channel) throws IOException {
        return new Arrow(channel);
    }

    /**
     * Opens a table file of a study by its name's ending (.csv, .csv.gz, .arrow, .feather), read only through
     * {@code folder} (so a link out of the study is refused).
     *
     * @param shown the file as the user named it, for messages
     * @throws IOException with a one-line message saying why it cannot be read
     */
    public static TableReader open(opensafely.lsp.workspace.StudyFolder folder, java.nio.file.Path file, String shown) throws IOException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean arrow = name.endsWith(".arrow") || name.endsWith(".feather");
        boolean gz = name.endsWith(".csv.gz");
        if (!arrow && !gz && !name.endsWith(".csv")) throw new IOException(shown + ": not a .csv, .csv.gz or .arrow file");
        switch (folder.access(file)) {
            case FILE -> {
            }
            case MISSING -> throw new IOException(shown + ": no such file");
            case OUTSIDE -> throw new IOException(shown + ": it lies outside the study folder (or is a link that leads out of it); only files of the study are read");
            default -> throw new IOException(shown + ": not a regular file");
        }
        if (arrow) {
            var ch = folder.openChannel(file).orElseThrow(() -> new IOException(shown + ": cannot be read"));
            return arrow(ch);
        }
        var in = folder.open(file, Long.MAX_VALUE).orElseThrow(() -> new IOException(shown + ": cannot be read"));
        return csv(in, gz);
    }

    /** CSV as Python's csv module reads it: commas, double quotes doubled inside quoted fields, any newline. */
    private static final class Csv extends TableReader {
        private final BufferedReader in;
        private final List<String> header;
        private Object[] row;

        Csv(BufferedReader in) throws IOException {
            this.in = in;
            List<String> h = fields();
            if (h == null) throw new IOException("the file is empty (no header line)");
            if (!h.isEmpty() && h.get(0).startsWith("\uFEFF")) h.set(0, h.get(0).substring(1));
            this.header = List.copyOf(h);
        }

        @Override
        public List<String> header() {
            return header;
        }

        @Override
        public String typeOf(int column) {
            return null;
        }

        @Override
        public Object[] next() throws IOException {
            List<String> f = fields();
            while (f != null && f.isEmpty()) f = fields(); // a blank line is no row, as Python's csv reads it
            if (f == null) return null;
            if (row == null || row.length != f.size()) row = new Object[f.size()];
            for (int i = 0; i < row.length; i++) row[i] = f.get(i);
            return row;
        }

        /** The fields of the next record; an empty list for a blank line; null at the end. */
        private List<String> fields() throws IOException {
            int c = in.read();
            if (c < 0) return null;
            List<String> out = new ArrayList<>();
            if (c == '\n') return out;
            if (c == '\r') {
                in.mark(1);
                if (in.read() != '\n') in.reset();
                return out;
            }
            StringBuilder b = new StringBuilder();
            boolean quoted = false, inQuotes = false;
            while (true) {
                if (c < 0) {
                    out.add(b.toString());
                    return out;
                }
                if (inQuotes) {
                    if (c == '"') {
                        in.mark(1);
                        int d = in.read();
                        if (d == '"') b.append('"');
                        else {
                            inQuotes = false;
                            if (d >= 0) in.reset();
                        }
                    } else b.append((char) c);
                } else if (c == '"' && b.length() == 0 && !quoted) {
                    inQuotes = quoted = true;
                } else if (c == ',') {
                    out.add(b.toString());
                    b.setLength(0);
                    quoted = false;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r') {
                        in.mark(1);
                        if (in.read() != '\n') in.reset();
                    }
                    out.add(b.toString());
                    return out;
                } else b.append((char) c);
                if (b.length() > MAX_FIELD_CHARS) throw new IOException("a field is longer than " + MAX_FIELD_CHARS + " characters");
                c = in.read();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class Arrow extends TableReader {
        private final BufferAllocator allocator = new RootAllocator();
        private final SeekableByteChannel channel;
        private final ArrowFileReader reader;
        private final VectorSchemaRoot root;
        private final List<String> header = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private final List<List<String>> dictionaries = new ArrayList<>();
        private final List<FieldVector> dictionaryVectors = new ArrayList<>();
        private Object[] row;
        private int index, count;

        Arrow(SeekableByteChannel channel) throws IOException {
            this.channel = channel;
            try {
                this.reader = new ArrowFileReader(channel, allocator);
                this.root = reader.getVectorSchemaRoot();
                for (Field f : root.getSchema().getFields()) {
                    header.add(f.getName());
                    FieldVector dv = null;
                    ArrowType t = f.getType();
                    if (f.getDictionary() != null) {
                        Dictionary d = reader.getDictionaryVectors().get(f.getDictionary().getId());
                        dv = d == null ? null : d.getVector();
                        if (dv != null) t = dv.getField().getType();
                    }
                    types.add(typeName(t));
                    dictionaryVectors.add(dv);
                    dictionaries.add(null);
                }
            } catch (RuntimeException e) {
                close();
                throw new IOException("not an Arrow IPC file (" + e.getMessage() + ")", e);
            }
        }

        private static String typeName(ArrowType t) {
            return switch (t.getTypeID()) {
                case Bool -> "bool";
                case Int -> "int";
                case FloatingPoint -> "float";
                case Utf8, LargeUtf8 -> "str";
                case Date -> "date";
                default -> t.toString().toLowerCase(java.util.Locale.ROOT);
            };
        }

        @Override
        public List<String> header() {
            return header;
        }

        @Override
        public String typeOf(int column) {
            return types.get(column);
        }

        @Override
        public List<String> dictionary(int column) {
            if (dictionaryVectors.get(column) == null) return null;
            if (dictionaries.get(column) == null) {
                FieldVector v = dictionaryVectors.get(column);
                List<String> values = new ArrayList<>();
                for (int i = 0; i < v.getValueCount(); i++) values.add(String.valueOf(value(v, i)));
                dictionaries.set(column, values);
            }
            return dictionaries.get(column);
        }

        @Override
        public Object[] next() throws IOException {
            try {
                while (index >= count) {
                    if (!reader.loadNextBatch()) return null;
                    index = 0;
                    count = root.getRowCount();
                }
                if (row == null) row = new Object[header.size()];
                List<FieldVector> vectors = root.getFieldVectors();
                for (int c = 0; c < row.length; c++) {
                    FieldVector v = vectors.get(c);
                    FieldVector dv = dictionaryVectors.get(c);
                    if (v.isNull(index)) row[c] = null;
                    else if (dv != null && v instanceof BaseIntVector iv) row[c] = value(dv, (int) iv.getValueAsLong(index));
                    else row[c] = value(v, index);
                }
                index++;
                return row;
            } catch (RuntimeException e) {
                throw new IOException("the Arrow file cannot be read (" + e.getMessage() + ")", e);
            }
        }

        private static Object value(FieldVector v, int i) {
            if (v.isNull(i)) return null;
            if (v instanceof BitVector b) return b.get(i) == 1;
            if (v instanceof BaseIntVector n) return n.getValueAsLong(i);
            if (v instanceof FloatingPointVector f) return f.getValueAsDouble(i);
            if (v instanceof DateDayVector d) return LocalDate.ofEpochDay(d.get(i));
            if (v instanceof DateMilliVector d) return LocalDate.ofEpochDay(Math.floorDiv(d.get(i), 86_400_000L));
            if (v instanceof TimeStampVector t) {
                Object o = t.getObject(i);
                return o instanceof java.time.LocalDateTime ldt ? ldt.toLocalDate() : o instanceof Long ms ? java.time.Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC).toLocalDate() : o;
            }
            if (v instanceof VarCharVector s) return new String(s.get(i), StandardCharsets.UTF_8);
            if (v instanceof LargeVarCharVector s) return new String(s.get(i), StandardCharsets.UTF_8);
            Object o = v.getObject(i);
            return o == null ? null : o.toString();
        }

        @Override
        public void close() throws IOException {
            try {
                if (reader != null) reader.close();
            } finally {
                allocator.close();
                channel.close();
            }
        }
    }
}
