package opensafely.lsp.dummydata;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.OutputFile;

/**
 * Writes a generated table to a file or a stream in the format its name asks for. A file is written
 * atomically (workspace.AtomicWrite): a cancel, a failure or a crash leaves the old file or none, never half.
 */
public final class TableFile {
    private TableFile() {
    }

    /**
     * Streams the table to {@code target}, atomically (a cancel or failure leaves the old file or none); makes the
     * folder if needed; never replaces a link or a special file (workspace.OutputFile).
     */
    public static void write(Path target, TableSpec spec, OutputFormat format, OutputFormat.Language language,
                             BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        OutputFile.checkReplaceable(target);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicWrite.write(target, out -> write(out, spec, format, language, cancelled, progress));
    }

    /** Writes onto {@code out}, leaving it open (standard output stays usable). */
    public static void write(OutputStream out, TableSpec spec, OutputFormat format, OutputFormat.Language language,
                             BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        try (TableWriter w = format.writer(new KeptOpen(out), language)) {
            Generator.write(spec, w, cancelled, progress);
        }
    }

    /**
     * Streams rows that come from elsewhere ({@link RowSource}) to {@code target}, atomically, as
     * {@link #write(Path, TableSpec, OutputFormat, OutputFormat.Language, BooleanSupplier, LongConsumer)} does.
     * An IOException from the source ends the write and leaves the old file or none. Returns the rows written.
     */
    public static long write(Path target, List<ColumnSpec> columns, RowSource rows, OutputFormat format, OutputFormat.Language language,
                             BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        OutputFile.checkReplaceable(target);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        long[] n = {0};
        AtomicWrite.write(target, out -> {
            try (TableWriter w = format.writer(new KeptOpen(out), language)) {
                w.start(columns);
                for (Object[] row = rows.next(); row != null; row = rows.next()) {
                    w.row(row);
                    if (++n[0] % Generator.BATCH == 0) {
                        progress.accept(n[0]);
                        if (cancelled.getAsBoolean()) throw new CancellationException("dummy data cancelled");
                    }
                }
                w.finish();
                progress.accept(n[0]);
            }
        });
        return n[0];
    }

    /** The writer closes its stream to end a gzip member or an Arrow file; the caller's stream stays open. */
    private static final class KeptOpen extends FilterOutputStream {
        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
