package opensafely.lsp.dummydata;

import java.util.List;

/**
 * A table to generate: its columns in output order (patient_id is a column like any other, so each
 * language puts it where its tool does), the number of rows, and the seed. Built by the study and
 * ehrQL models; this package knows neither.
 */
public record TableSpec(List<ColumnSpec> columns, long rows, long seed) {
    public TableSpec {
        columns = List.copyOf(columns);
        if (rows < 0) throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
}
