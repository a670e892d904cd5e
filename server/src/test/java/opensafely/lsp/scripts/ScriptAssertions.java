package opensafely.lsp.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.MarkedText;
import opensafely.lsp.text.Range;

/**
 * Assertions over what a {@link ScriptReader} finds in a marked fixture: each expected use names the index of its
 * {@code «...»} range ({@code "READ output/x.csv read_csv #0"}), columns read {@code "age <- output/x.csv #1"}.
 */
final class ScriptAssertions {
    private ScriptAssertions() {}

    /** Every file use, in order, against the expected ones; the columns against {@code columns}. */
    static void assertUses(ScriptReader reader, String marked, List<String> files, List<String> columns) {
        MarkedText m = MarkedText.parse(marked);
        ScriptUses uses = reader.read(m.text());
        assertEquals(files, describeFiles(uses, m.ranges()), "files");
        if (columns != null) assertEquals(columns, describeColumns(uses, m.ranges()), "columns");
    }

    static void assertFiles(ScriptReader reader, String marked, String... files) {
        assertUses(reader, marked, List.of(files), null);
    }

    static void assertColumns(ScriptReader reader, String marked, String... columns) {
        MarkedText m = MarkedText.parse(marked);
        assertEquals(List.of(columns), describeColumns(reader.read(m.text()), m.ranges()), "columns");
    }

    static List<String> describeFiles(ScriptUses uses, List<Range> ranges) {
        List<String> out = new ArrayList<>();
        for (FileUse f : uses.files()) out.add(f.access() + " " + f.path() + " " + f.call() + " " + where(f.range(), ranges));
        return out;
    }

    static List<String> describeColumns(ScriptUses uses, List<Range> ranges) {
        List<String> out = new ArrayList<>();
        for (ColumnUse c : uses.columns()) out.add(c.column() + " <- " + c.source().path() + " " + where(c.range(), ranges));
        return out;
    }

    private static String where(Range r, List<Range> ranges) {
        int i = ranges.indexOf(r);
        return i >= 0 ? "#" + i : r.toString();
    }

    /** The ranges of the unresolved writes, as indexes of marked ranges. */
    static List<String> unresolvedWrites(ScriptReader reader, String marked) {
        MarkedText m = MarkedText.parse(marked);
        List<String> out = new ArrayList<>();
        for (Range r : reader.read(m.text()).unresolvedWrites()) out.add(where(r, m.ranges()));
        return out;
    }

    static List<String> unresolvedReads(ScriptReader reader, String marked) {
        MarkedText m = MarkedText.parse(marked);
        List<String> out = new ArrayList<>();
        for (Range r : reader.read(m.text()).unresolvedReads()) out.add(where(r, m.ranges()));
        return out;
    }
}
