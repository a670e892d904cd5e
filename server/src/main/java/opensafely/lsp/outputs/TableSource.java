package opensafely.lsp.outputs;

import java.io.IOException;
import java.io.Reader;

/** Where a table's text comes from, opened afresh for each pass over it (a file is read twice, never kept whole). */
@FunctionalInterface
public interface TableSource {
    Reader open() throws IOException;
}
