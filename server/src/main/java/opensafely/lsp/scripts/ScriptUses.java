package opensafely.lsp.scripts;

import java.util.List;
import opensafely.lsp.text.Range;

/**
 * What one script does with files, read statically (the script is never run).
 *
 * @param language the script's language
 * @param files every file read or written whose path is at least partly known, in text order
 * @param columns columns read by name from tables read from those files
 * @param unresolvedReads calls that read a file whose path could not be worked out at all
 * @param unresolvedWrites calls that write a file whose path could not be worked out at all; when any exists, the
 *     rules cannot say that a declared output is never written
 */
public record ScriptUses(
        ScriptLanguage language,
        List<FileUse> files,
        List<ColumnUse> columns,
        List<Range> unresolvedReads,
        List<Range> unresolvedWrites) {

    public ScriptUses {
        files = List.copyOf(files);
        columns = List.copyOf(columns);
        unresolvedReads = List.copyOf(unresolvedReads);
        unresolvedWrites = List.copyOf(unresolvedWrites);
    }

    public static ScriptUses none(ScriptLanguage language) {
        return new ScriptUses(language, List.of(), List.of(), List.of(), List.of());
    }

    /** True when every write the script makes has a path that is at least partly known. */
    public boolean writesResolved() {
        return unresolvedWrites.isEmpty();
    }
}
