package opensafely.lsp.dummydata;

import java.util.Objects;

/** One column of a table to generate: its name as written in the header, its type, and how its values are drawn. */
public record ColumnSpec(String name, ColumnType type, ValueSource source) {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
    }
}
