package opensafely.lsp.dummydata;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table as an Arrow IPC file (what ehrQL writes for {@code .arrow}; Feather v2, what pandas writes for
 * cohort-extractor's {@code .feather}, is the same format). Rows are buffered into record batches of
 * {@link #BATCH} rows and written batch by batch, so memory holds one batch whatever the number of rows.
 *
 * <p>Types as ehrQL's arrow.py: bool, int64, float64, date32, utf8; a string column with known categories is
 * dictionary-encoded (signed indices, the smallest that fit; ordered). The pandas style writes dates as
 * timestamp[ns] and unordered dictionaries, as pandas stores datetime and categorical columns. The batches are
 * not compressed (ehrQL and pandas compress; every reader reads both).
 */
public final class ArrowTableWriter implements TableWriter {
    /** Rows per record batch: big enough that a batch's own overhead does not matter, small enough to stay flat. */
    static final int BATCH = 8192;

    public enum Style {
        /** ehrQL's arrow.py: date32, ordered dictionaries. */
        EHRQL,
        /** pandas' feather: timestamp[ns] dates, unordered dictionaries (categoricals). */
        PANDAS
    }

    private final OutputStream stream;
    private final Style style;
    private final BufferAllocator allocator = new RootAllocator();
    private final List<Dictionary> dictionaries = new ArrayList<>();
    private final List<Map<String, Integer>> codes = new ArrayList<>();
    private List<ColumnSpec> columns;
    private VectorSchemaRoot root;
    private ArrowFileWriter writer;
    private int filled;

    /** {@link #close()} closes {@code stream}. */
    public ArrowTableWriter(OutputStream stream, Style style) {
        this.stream = stream;
        this.style = style;
    }

    @Override
    public void start(List<ColumnSpec> columns) throws IOException {
        this.columns = List.copyOf(columns);
        DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
        List<Field> fields = new ArrayList<>();
        for (ColumnSpec c : this.columns) {
            Map<String, Integer> index = null;
            if (c.type() == ColumnType.STRING && !c.categories().isEmpty()) {
                index = new HashMap<>();
                fields.add(dictionaryField(c, provider, index));
            } else {
                fields.add(new Field(c.name(), new FieldType(c.nullable(), arrowType(c.type()), null), null));
            }
            codes.add(index);
        }
        root = VectorSchemaRoot.create(new Schema(fields), allocator);
        writer = new ArrowFileWriter(root, provider, Channels.newChannel(stream));
        writer.start();
        allocateBatch();
    }

    /** Room for a whole batch, once: fixed-width values (dictionary indices included) never need to grow. */
    private void allocateBatch() {
        for (FieldVector v : root.getFieldVectors()) v.setInitialCapacity(BATCH);
        root.allocateNew();
    }

    private Field dictionaryField(ColumnSpec c, DictionaryProvider.MapDictionaryProvider provider, Map<String, Integer> index) {
        List<String> values = c.categories();
        // Signed indices: pandas cannot read unsigned ones (ehrQL's arrow.py says the same).
        int bits = values.size() <= Byte.MAX_VALUE ? 8 : values.size() <= Short.MAX_VALUE ? 16 : 32;
        ArrowType.Int indexType = new ArrowType.Int(bits, true);
        DictionaryEncoding encoding = new DictionaryEncoding(dictionaries.size(), style == Style.EHRQL, indexType);
        VarCharVector dictionary = new VarCharVector(c.name() + "-dictionary", allocator);
        dictionary.allocateNew();
        for (int i = 0; i < values.size(); i++) {
            dictionary.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
            index.putIfAbsent(values.get(i), i);
        }
        dictionary.setValueCount(values.size());
        Dictionary d = new Dictionary(dictionary, encoding);
        dictionaries.add(d);
        provider.put(d);
        return new Field(c.name(), new FieldType(c.nullable(), indexType, encoding), null);
    }

    private ArrowType arrowType(ColumnType type) {
        return switch (type) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case INTEGER -> new ArrowType.Int(64, true);
            case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DATE -> style == Style.EHRQL ? new ArrowType.Date(DateUnit.DAY) : new ArrowType.Timestamp(TimeUnit.NANOSECOND, null);
            case STRING -> ArrowType.Utf8.INSTANCE;
        };
    }

    @Override
    public void row(Object[] values) throws IOException {
        for (int c = 0; c < values.length; c++) {
            FieldVector v = root.getVector(c);
            Object x = values[c];
            if (x == null) {
                if (!columns.get(c).nullable()) throw new IllegalArgumentException("column " + columns.get(c).name() + " may not be missing");
                setNull(v, filled);
                continue;
            }
            set(c, v, x);
        }
        if (++filled == BATCH) flushBatch();
    }

    private static void setNull(FieldVector v, int i) {
        if (v instanceof BaseFixedWidthVector f) f.setNull(i);
        else if (v instanceof BaseVariableWidthVector w) w.setNull(i);
    }

    private void set(int c, FieldVector v, Object x) {
        String name = columns.get(c).name();
        Map<String, Integer> dictionary = codes.get(c);
        try {
            if (dictionary != null) {
                Integer code = dictionary.get((String) x);
                if (code == null) throw new IllegalArgumentException("value '" + x + "' of column " + name + " is not one of its categories");
                ((BaseIntVector) v).setWithPossibleTruncate(filled, code);
            } else if (v instanceof BitVector b) {
                b.setSafe(filled, (Boolean) x ? 1 : 0);
            } else if (v instanceof BigIntVector b) {
                b.setSafe(filled, ((Number) x).longValue());
            } else if (v instanceof Float8Vector f) {
                f.setSafe(filled, ((Number) x).doubleValue());
            } else if (v instanceof DateDayVector d) {
                d.setSafe(filled, Math.toIntExact(((LocalDate) x).toEpochDay()));
            } else if (v instanceof TimeStampNanoVector t) {
                t.setSafe(filled, Math.multiplyExact(((LocalDate) x).toEpochDay(), 86_400_000_000_000L));
            } else if (v instanceof VarCharVector s) {
                s.setSafe(filled, ((String) x).getBytes(StandardCharsets.UTF_8));
            }
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("column " + name + " of type " + columns.get(c).type() + " got a " + x.getClass().getSimpleName(), e);
        }
    }

    private void flushBatch() throws IOException {
        if (filled == 0) return;
        root.setRowCount(filled);
        writer.writeBatch();
        filled = 0;
        // The same buffers serve the next batch: allocating and freeing native memory per batch lets the C
        // allocator keep freed pages, and resident memory then grows with the rows.
        for (FieldVector v : root.getFieldVectors()) v.reset();
    }

    @Override
    public void finish() throws IOException {
        flushBatch();
        writer.end();
    }

    @Override
    public void close() throws IOException {
        try {
            if (writer != null) writer.close();
            stream.close();
        } finally {
            if (root != null) root.close();
            dictionaries.forEach(d -> d.getVector().close());
            allocator.close();
        }
    }
}
