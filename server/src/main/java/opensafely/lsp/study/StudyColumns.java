package opensafely.lsp.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;

/**
 * The columns cohort-extractor writes for a study definition: {@code patient_id}, then every variable that is not
 * hidden (nested definitions of {@code categorised_as} and co. are not output) except {@code population}, with the
 * {@code <name>_date} and {@code <name>_date_measured} columns of {@code include_date_of_match} and
 * {@code include_measurement_date} (study-definitions spec §post-processing). For the scripts that read its output.
 */
public final class StudyColumns {
    /** One output column and where its name is defined (patient_id: nowhere, a null file). */
    public record Column(String name, Path file, Range range) {
    }

    private StudyColumns() {
    }

    /** Every column, or empty when the evaluation cannot see them all (a **kwargs it could not expand, a flag it cannot read). */
    public static Optional<List<Column>> of(Document doc) {
        StudyAnalyzer.Analysis a = new StudyAnalyzer().compute(doc.path(), doc.text(), doc.folder());
        StudyModel m = a.model();
        if (m.study == null || m.open) return Optional.empty();
        List<Column> out = new ArrayList<>();
        out.add(new Column("patient_id", null, null));
        for (StudyModel.Variable v : m.variables) {
            Value.Call c = v.derived() ? null : v.call();
            if (c != null && (unsure(c.arg("include_date_of_match")) || unsure(c.arg("include_measurement_date")))) return Optional.empty();
            if (v.hidden() || v.name().equals("population")) continue;
            Value.Origin o = v.nameOrigin();
            out.add(new Column(v.name(), o == null || o.file() == null ? null : o.file().path, o == null || o.file() == null ? null : o.range()));
        }
        return Optional.of(out);
    }

    /** A flag given a value the evaluation cannot tell true or false. */
    private static boolean unsure(Value v) {
        return v != null && Values.truthy(v) == null;
    }
}
