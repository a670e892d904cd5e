package opensafely.lsp.dummydata;

import java.io.IOException;

/**
 * Rows that are read rather than generated (a dummy data file the user provides, a dataset evaluated over dummy
 * tables), written by {@link TableFile#write(java.nio.file.Path, java.util.List, RowSource, OutputFormat,
 * OutputFormat.Language, java.util.function.BooleanSupplier, java.util.function.LongConsumer)} like a generated table.
 */
@FunctionalInterface
public interface RowSource {
    /** The next row, values in column order and of the Java types their ColumnTypes name (the array may be reused), or null after the last. */
    Object[] next() throws IOException;
}
