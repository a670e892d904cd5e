package opensafely.lsp.workspace;

import java.nio.file.Path;
import opensafely.lsp.text.Range;

/** A range in a file (absolute path). */
public record Location(Path path, Range range) {
}
