package opensafely.lsp.outputs;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.Range;

/**
 * The disclosure checks of one CSV table (tooling spec §4.3, §4.4), in two streaming passes: the first summarises
 * each column (Airlock's table) and decides what the column holds ({@link ColumnRole}); the second finds the cells
 * at fault. Memory is bounded by the number of columns, never by the rows.
 */
public final class TableCheck {
    /** More findings than anyone reads; the rest of the file is still summarised. */
    static final int MAX_FINDINGS = 2000;
    /** Distinct values remembered per identifier-like column; past this, "no repeat seen yet" stands. */
    private static final int MAX_DISTINCT = 10_000;
    /** A table needs this many rows before a column of distinct identifiers says "one row per patient". */
    private static final int MIN_PATIENT_ROWS = 10;
    private static final Pattern EXACT_DATE = Pattern.compile("\\d{4}-\\d{2}-(\\d{2})");
    private static final Set<String> TOTAL_LABELS = Set.of("total", "totals", "all", "overall");

    /**
     * What the checks found.
     *
     * @param header the header cells (empty for an empty file)
     * @param rows the data rows (records after the header)
     * @param firstRowOverLimit where the first data row past job-runner's limit of 5000 starts, or null
     */
    public record Result(List<CsvCell> header, List<ColumnSummary> columns, long rows, Range firstRowOverLimit, List<Diagnostic> findings) {
        /** The cell of the header named exactly {@code name}, as job-runner compares it. */
        public java.util.Optional<CsvCell> headerCell(String name) {
            return header.stream().filter(c -> c.text().equals(name)).findFirst();
        }
    }

    private TableCheck() {
    }

    public static Result check(TableSource source) throws IOException {
        // Pass 1: the summary of every column, and the facts about identifier and birth-date columns.
        List<CsvCell> header;
        List<ColumnSummary.Builder> builders = new ArrayList<>();
        List<Set<String>> distinct = new ArrayList<>();
        List<Boolean> repeats = new ArrayList<>();
        List<Boolean> exactBirthDate = new ArrayList<>();
        long rows = 0;
        Range overLimit = null;
        try (Reader r = source.open()) {
            CsvReader csv = new CsvReader(r);
            header = csv.next();
            if (header == null) return new Result(List.of(), List.of(), 0, null, List.of());
            for (CsvCell h : header) {
                builders.add(new ColumnSummary.Builder(h.text()));
                distinct.add(identifierLike(h.text()) ? new HashSet<>() : null);
                repeats.add(false);
                exactBirthDate.add(false);
            }
            for (List<CsvCell> row = csv.next(); row != null; row = csv.next()) {
                rows++;
                if (rows == Level4Check.MAX_CSV_ROWS + 1 && !row.isEmpty()) overLimit = row.get(0).range();
                for (CsvCell c : row) {
                    int i = c.column();
                    if (i >= builders.size()) continue;
                    builders.get(i).add(CellValue.of(c.text()));
                    Set<String> seen = distinct.get(i);
                    if (seen != null && !repeats.get(i) && seen.size() < MAX_DISTINCT && !seen.add(c.text().strip())) repeats.set(i, true);
                    if (!exactBirthDate.get(i) && birthDateLike(header.get(i).text())) {
                        var m = EXACT_DATE.matcher(c.text().strip());
                        if (m.matches() && !m.group(1).equals("01")) exactBirthDate.set(i, true);
                    }
                }
            }
        }
        List<ColumnSummary> columns = builders.stream().map(ColumnSummary.Builder::build).toList();
        List<ColumnRole> roles = columns.stream().map(ColumnRole::of).toList();

        Findings findings = new Findings();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).text();
            if (distinct.get(i) != null && !repeats.get(i) && rows >= MIN_PATIENT_ROWS && columns.get(i).values() >= MIN_PATIENT_ROWS) {
                findings.add(Diagnostic.of(Rule.OUTPUT_PATIENT_LEVEL, header.get(i).range(), "The column " + quoted(name) + " holds "
                        + rows + " distinct identifiers, one a row: this looks like patient-level data, which is never released."
                        + " Make this output highly_sensitive, or aggregate it."));
            } else if (exactBirthDate.get(i)) {
                findings.add(Diagnostic.of(Rule.OUTPUT_PATIENT_LEVEL, header.get(i).range(), "The column " + quoted(name)
                        + " holds exact dates of birth: this looks like patient-level data, which is never released."
                        + " Make this output highly_sensitive, or aggregate it."));
            }
        }

        // Pass 2: the cells at fault.
        CellRules cells = new CellRules(header, columns, roles, findings);
        try (Reader r = source.open()) {
            CsvReader csv = new CsvReader(r);
            csv.next();
            for (List<CsvCell> row = csv.next(); row != null && !findings.full(); row = csv.next()) {
                cells.row(row);
            }
        }
        cells.finish();
        return new Result(header, columns, rows, overLimit, findings.list());
    }

    /** Names of columns that hold one identifier per patient when their values never repeat. */
    static boolean identifierLike(String name) {
        List<String> words = ColumnRole.words(name);
        if (words.stream().anyMatch(ColumnRole.COUNT_WORDS::contains)) return false;
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.equals("patid") || lower.equals("nhs_number") || lower.equals("nhs_no")
                || (words.contains("id") && (words.contains("patient") || words.contains("person") || words.contains("pseudo")))
                || lower.equals("patient") || lower.equals("person");
    }

    static boolean birthDateLike(String name) {
        List<String> words = ColumnRole.words(name);
        String lower = name.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        return words.contains("dob") || lower.equals("dateofbirth") || lower.equals("birthdate") || lower.equals("birthday");
    }

    static boolean totalLabel(String text) {
        return TOTAL_LABELS.contains(text.strip().toLowerCase(Locale.ROOT));
    }

    static String quoted(String name) {
        return "'" + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "'";
    }

    /** The findings of one table, bounded. */
    static final class Findings {
        private final List<Diagnostic> list = new ArrayList<>();

        void add(Diagnostic d) {
            if (list.size() < MAX_FINDINGS) list.add(d);
        }

        boolean full() {
            return list.size() >= MAX_FINDINGS;
        }

        List<Diagnostic> list() {
            list.sort((a, b) -> a.range().start().compareTo(b.range().start()));
            return List.copyOf(list);
        }
    }
}
