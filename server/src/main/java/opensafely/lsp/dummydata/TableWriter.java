package opensafely.lsp.dummydata;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Writes a generated table as it is made, row by row: nothing is kept beyond the writer's own batch. */
public interface TableWriter extends Closeable {
    void start(List<ColumnSpec> columns) throws IOException;

    /** One row, values in column order (the array may be reused by the caller after this returns). */
    void row(Object[] values) throws IOException;

    /** Everything written and flushed; {@link #close()} follows. */
    void finish() throws IOException;
}
