package opensafely.lsp.ehrql;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.dummydata.TableReader;
import opensafely.lsp.workspace.StudyFolder;

/**
 * {@code --dummy-data-file FILE}: the user's own dummy dataset, checked against the definition's columns as ehrQL
 * checks it (every column present, values of the column's type, within its categories; columns the definition
 * does not have are left out, as ehrQL leaves them) and written out in the output's format, so a .csv.gz in
 * gives an .arrow out. The file is read twice: once to check every row (so a bad row far down fails the job
 * before anything is written, where ehrQL would fail half-way), once to write. Where the static model does not
 * know a column's type, its values are not checked: no false errors.
 */
public final class DummyDataFileCheck {
    /** A column the file must have: ehrQL's primitive type (null when the model does not know it), categories, nullability. */
    public record Expected(String name, String type, List<String> categories, boolean nullable) {
    }

    /** The columns of a definition's output, or why they are not known. */
    public record Columns(List<Expected> list, String problem) {
    }

    /** Enough lines to see what is wrong; a file wrong in every row would otherwise print every row. */
    static final int MAX_PROBLEMS = 20;

    private DummyDataFileCheck() {
    }

    /**
     * Checks {@code file} (read through {@code folder} only) and writes it to {@code target}.
     *
     * @param shown the file as the user named it, for messages
     */
    public static DummyOutcome copy(StudyFolder folder, Path file, String shown, List<Expected> columns, Path target,
                                    BooleanSupplier cancelled, LongConsumer progress) {
        String name = target.getFileName().toString();
        OutputFormat format = OutputFormat.of(name, OutputFormat.Language.EHRQL).orElse(null);
        if (format == null) return DummyOutcome.failed("--output " + OutputFormat.unsupported(name, OutputFormat.Language.EHRQL));
        List<String> problems = new ArrayList<>(), notes = new ArrayList<>();
        String[] outTypes = new String[columns.size()];
        try (TableReader in = TableReader.open(folder, file, shown)) {
            int[] at = positions(in, columns, shown, problems, notes);
            if (!problems.isEmpty()) return DummyOutcome.failed(problems);
            for (int c = 0; c < columns.size(); c++) {
                Expected e = columns.get(c);
                String arrowType = in.typeOf(at[c]);
                outTypes[c] = e.type() != null ? e.type() : arrowType != null && Set.of("bool", "int", "float", "date", "str").contains(arrowType) ? arrowType : "str";
                if (arrowType != null && !DummyFileValues.arrowTypeFits(arrowType, e.type())) {
                    problems.add(shown + ": column '" + e.name() + "' holds " + arrowType + " values, but the definition makes it " + e.type());
                } else if (in.dictionary(at[c]) != null && e.categories() != null && !e.categories().isEmpty()) {
                    List<String> unexpected = new ArrayList<>(in.dictionary(at[c]));
                    unexpected.removeAll(e.categories());
                    if (!unexpected.isEmpty()) problems.add(shown + ": column '" + e.name() + "' has categories " + String.join(", ", unexpected)
                            + " that the definition cannot produce (it has " + String.join(", ", e.categories()) + ")");
                }
            }
            if (!problems.isEmpty()) return DummyOutcome.failed(problems);
            checkRows(in, at, columns, shown, problems);
            if (!problems.isEmpty()) return DummyOutcome.failed(problems);
        } catch (IOException e) {
            return DummyOutcome.failed(message(e, shown));
        }
        List<ColumnSpec> specs = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            Expected e = columns.get(c);
            ColumnSpec s = new ColumnSpec(e.name(), DummyFileValues.columnType(outTypes[c]), p -> null).withNullable(e.nullable());
            if (s.type() == ColumnType.STRING && e.type() != null && e.categories() != null) s = s.withCategories(e.categories());
            specs.add(s);
        }
        try (TableReader in = TableReader.open(folder, file, shown)) {
            int[] at = positions(in, columns, shown, new ArrayList<>(), new ArrayList<>());
            Object[] out = new Object[columns.size()];
            long rows = TableFile.write(target, specs, () -> {
                Object[] raw = in.next();
                if (raw == null) return null;
                for (int c = 0; c < out.length; c++) out[c] = convert(raw[at[c]], outTypes[c]);
                return out;
            }, format, OutputFormat.Language.EHRQL, cancelled, progress);
            return DummyOutcome.wrote(target, rows, notes);
        } catch (IOException | IllegalArgumentException e) {
            return DummyOutcome.failed(e instanceof IOException io ? message(io, shown) : shown + ": " + e.getMessage());
        }
    }

    /** Where each expected column is in the file; a missing one is a problem, an extra one a note. */
    private static int[] positions(TableReader in, List<Expected> columns, String shown, List<String> problems, List<String> notes) {
        List<String> header = in.header();
        int[] at = new int[columns.size()];
        Set<String> wanted = new HashSet<>();
        for (int c = 0; c < columns.size(); c++) {
            String n = columns.get(c).name();
            wanted.add(n);
            at[c] = header.indexOf(n);
            if (at[c] < 0) problems.add(shown + ": column '" + n + "' is missing (the definition makes it; add it to the file)");
        }
        for (String h : header) {
            if (!wanted.contains(h)) notes.add(shown + ": column '" + h + "' is not made by the definition and is left out, as ehrQL leaves it out");
        }
        return at;
    }

    /** Every row parsed as ehrQL parses it: the first bad value of each column is a problem. */
    private static void checkRows(TableReader in, int[] at, List<Expected> columns, String shown, List<String> problems) throws IOException {
        int width = in.header().size();
        boolean[] reported = new boolean[columns.size()];
        long n = 0;
        for (Object[] row = in.next(); row != null; row = in.next()) {
            n++;
            if (row.length != width) {
                problems.add(shown + ": row " + n + " has " + row.length + " fields, but the header has " + width);
                return;
            }
            for (int c = 0; c < at.length; c++) {
                if (reported[c]) continue;
                Expected e = columns.get(c);
                Object v = row[at[c]];
                try {
                    Object parsed = v instanceof String s ? DummyFileValues.parseCsv(s, e.type()) : v;
                    if (parsed == null && !e.nullable()) throw new IllegalArgumentException("it is empty, and this column is never missing");
                    if (e.type() != null) DummyFileValues.checkCategory(parsed, e.categories());
                } catch (IllegalArgumentException x) {
                    reported[c] = true;
                    problems.add(shown + ": column '" + e.name() + "', row " + n + ": " + x.getMessage());
                    if (problems.size() >= MAX_PROBLEMS) return;
                }
            }
        }
    }

    private static Object convert(Object v, String type) {
        if (v instanceof String s) return DummyFileValues.parseCsv(s, type);
        if (v == null || type == null) return v;
        return switch (type) {
            case "str" -> String.valueOf(v);
            case "float" -> v instanceof Number x ? (Object) x.doubleValue() : v;
            default -> v;
        };
    }

    private static String message(IOException e, String shown) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.startsWith(shown) ? m : shown + ": " + m;
    }
}
