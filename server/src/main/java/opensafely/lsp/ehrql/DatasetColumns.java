package opensafely.lsp.ehrql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;

/**
 * The columns {@code generate-dataset} writes for a dataset definition: {@code patient_id}, then each variable set
 * on the dataset (ehrql spec: output column order). For the scripts that read its output.
 */
public final class DatasetColumns {
    /** One output column and where its name is set (patient_id: nowhere, a null file). */
    public record Column(String name, Path file, Range range) {
    }

    private DatasetColumns() {
    }

    /**
     * Every column, or empty when they are not all known: no dataset at module level, a dataset passed to code that
     * is not followed or given columns whose names are not known, event tables (written to files of their own).
     */
    public static Optional<List<Column>> of(Document doc) {
        DatasetAnalyzer.Analysis a = new DatasetAnalyzer().compute(doc.path(), doc.text(), doc.folder());
        EValue.Dataset dataset = null;
        for (Map.Entry<String, EValue.Binding> e : a.globals().entrySet()) {
            if (e.getValue().value() instanceof EValue.Dataset d && (dataset == null || e.getKey().equals("dataset"))) dataset = d;
        }
        if (dataset == null || dataset.escaped || !dataset.eventTables.isEmpty()) return Optional.empty();
        List<Column> out = new ArrayList<>();
        out.add(new Column("patient_id", null, null));
        for (EValue.Column c : dataset.columns.values()) {
            EValue.Origin o = c.nameOrigin();
            boolean placed = o != null && o.file() != null;
            out.add(new Column(c.name(), placed ? o.file().path : null, placed ? o.file().range(o.start(), o.end()) : null));
        }
        return Optional.of(out);
    }
}
