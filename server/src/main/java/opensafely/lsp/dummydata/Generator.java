package opensafely.lsp.dummydata;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/** Makes the rows of a {@link TableSpec} and hands them to a writer, one at a time: memory does not grow with the rows. */
public final class Generator {
    /** How often progress is reported and cancellation checked. */
    static final int BATCH = 4096;

    private Generator() {
    }

    /**
     * Writes every row of {@code spec}. {@code cancelled} is asked between batches (a
     * {@link CancellationException} then ends the work, and the caller discards what was written);
     * {@code progress} hears the number of rows written so far after each batch.
     */
    public static void write(TableSpec spec, TableWriter out, BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        List<ColumnSpec> columns = spec.columns();
        out.start(columns);
        Object[] row = new Object[columns.size()];
        for (long i = 0; i < spec.rows(); i++) {
            if (i % BATCH == 0 && i > 0) {
                progress.accept(i);
                if (cancelled.getAsBoolean()) throw new CancellationException("dummy data generation cancelled");
            }
            Patient p = new Patient(spec.seed(), i);
            for (int c = 0; c < row.length; c++) row[c] = columns.get(c).source().draw(p);
            out.row(row);
        }
        out.finish();
        progress.accept(spec.rows());
    }
}
