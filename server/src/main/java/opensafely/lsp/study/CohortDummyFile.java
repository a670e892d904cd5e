package opensafely.lsp.study;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.TableReader;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * A cohort-extractor action's {@code dummy_data_file}: checked as generate_cohort checks it (the same ending as
 * the output; exactly the study's columns, patient_id included and none other; in CSV, each value readable as
 * its column's type and date format) and then copied byte for byte to the output, as cohort-extractor copies it.
 */
final class CohortDummyFile {
    static final int MAX_PROBLEMS = 20;
    private static final Pattern NUMBER = Pattern.compile("\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*|\\s*[+-]?(nan|inf|infinity)\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern INT = Pattern.compile("\\s*[+-]?\\d+\\s*");
    private static final Set<String> BOOLS = Set.of("True", "False", "TRUE", "FALSE", "true", "false", "0", "1", "0.0", "1.0");

    private CohortDummyFile() {
    }

    /** The problems of {@code file} for a study whose columns are {@code columns} (null: not known, so not checked). */
    static List<String> check(StudyFolder folder, Path file, String shown, Path output, List<ColumnSpec> columns) {
        if (!suffixes(file).equals(suffixes(output))) {
            return List.of(shown + ": the output is " + output.getFileName() + ", so cohort-extractor wants a dummy data file ending " + suffixes(output));
        }
        List<String> problems = new ArrayList<>();
        try (TableReader in = TableReader.open(folder, file, shown)) {
            if (columns == null) return problems;
            List<String> header = in.header();
            Set<String> expected = new HashSet<>();
            for (ColumnSpec c : columns) expected.add(c.name());
            for (String h : header) if (!expected.contains(h)) problems.add(shown + ": column '" + h + "' is not a column of the study definition; remove it");
            for (ColumnSpec c : columns) if (!header.contains(c.name())) problems.add(shown + ": column '" + c.name() + "' is missing (the study definition makes it; add it)");
            if (!problems.isEmpty() || in.typeOf(0) != null) return problems; // a feather file: its column types are pandas' own
            int[] at = new int[columns.size()];
            for (int i = 0; i < at.length; i++) at[i] = header.indexOf(columns.get(i).name());
            boolean[] reported = new boolean[at.length];
            long line = 1;
            for (Object[] row = in.next(); row != null && problems.size() < MAX_PROBLEMS; row = in.next()) {
                line++;
                for (int i = 0; i < at.length; i++) {
                    if (reported[i] || at[i] >= row.length) continue;
                    String v = (String) row[at[i]];
                    if (!valid(v, columns.get(i))) {
                        reported[i] = true;
                        problems.add(shown + ": column '" + columns.get(i).name() + "', row " + line + ": `" + v + "` is not " + what(columns.get(i)));
                    }
                }
            }
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            problems.add(m.startsWith(shown) ? m : shown + ": " + m);
        }
        return problems;
    }

    /** Copies the checked file to {@code target} atomically, byte for byte. */
    static long copy(StudyFolder folder, Path file, String shown, Path target) throws IOException {
        OutputFile.checkReplaceable(target);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) java.nio.file.Files.createDirectories(parent);
        long[] n = {0};
        AtomicWrite.write(target, out -> {
            try (InputStream in = folder.open(file, Long.MAX_VALUE).orElseThrow(() -> new IOException(shown + ": cannot be read"))) {
                n[0] = in.transferTo(out);
            }
        });
        return n[0];
    }

    /** As cohort-extractor's validators see a value pandas read: empty (and 0) is never checked. */
    private static boolean valid(String v, ColumnSpec c) {
        if (v == null || v.isEmpty()) return !c.name().equals("patient_id");
        if (c.name().equals("patient_id")) return INT.matcher(v).matches();
        if (NUMBER.matcher(v).matches() && Double.parseDouble(v.strip().replaceAll("(?i)infinity|inf", "Infinity").replaceAll("(?i)nan", "NaN")) == 0) return true;
        return switch (c.type()) {
            case INTEGER, FLOAT -> NUMBER.matcher(v).matches();
            case BOOLEAN -> BOOLS.contains(v.strip());
            case DATE -> switch (c.dateFormat()) {
                case "YYYY" -> v.strip().matches("\\d{4}(\\.0*)?");
                case "YYYY-MM" -> v.matches("\\d{4}-\\d{1,2}") && month(v.split("-")[1]);
                default -> v.matches("\\d{4}-\\d{1,2}-\\d{1,2}") && month(v.split("-")[1]) && day(v);
            };
            case STRING -> true;
        };
    }

    private static boolean month(String m) {
        int x = Integer.parseInt(m);
        return x >= 1 && x <= 12;
    }

    private static boolean day(String v) {
        String[] p = v.split("-");
        try {
            java.time.LocalDate.of(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private static String what(ColumnSpec c) {
        if (c.name().equals("patient_id")) return "a whole number";
        return switch (c.type()) {
            case INTEGER -> "a whole number";
            case FLOAT -> "a number";
            case BOOLEAN -> "a boolean (True, False, 1 or 0)";
            case DATE -> "a date in the format " + c.dateFormat();
            case STRING -> "text";
        };
    }

    /** ".csv", ".csv.gz", ".feather": every suffix of the name, lower case, as pathlib's suffixes. */
    static String suffixes(Path p) {
        String n = p.getFileName().toString();
        int dot = n.indexOf('.', 1);
        return dot < 0 ? "" : n.substring(dot).toLowerCase(Locale.ROOT);
    }
}
