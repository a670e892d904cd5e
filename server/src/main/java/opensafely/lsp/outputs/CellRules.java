package opensafely.lsp.outputs;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;

/**
 * The rules on single cells and on the rows they are in, applied row by row in {@link TableCheck}'s second pass:
 * small and unrounded counts, percentages beside small or redacted counts, and totals that are not the sum of
 * the rounded values. Totals are judged only where the table shows it is a sum: see {@link #finish()}.
 */
final class CellRules {
    static final String REDACTED = "[REDACTED]";
    private static final BigDecimal FIVE = BigDecimal.valueOf(5);
    private static final BigDecimal SIX = BigDecimal.valueOf(6);
    private static final BigDecimal THREE = BigDecimal.valueOf(3);
    private static final BigDecimal SEVEN = BigDecimal.valueOf(7);

    private final List<CsvCell> header;
    private final List<ColumnRole> roles;
    private final TableCheck.Findings findings;
    /** Columns named total/all/overall that hold counts: totals across their row. */
    private final List<Integer> totalColumns = new ArrayList<>();
    private final List<Integer> partColumns = new ArrayList<>();
    /** Row totals found wrong, kept until the end: reported only if some row shows the column is the sum of the parts. */
    private final List<Diagnostic> columnTotalSuspects = new ArrayList<>();
    private boolean columnTotalConfirmed;
    /** The one row labelled total/all/overall, and the sums of the rows above and below it. */
    private List<CsvCell> totalRow;
    private int totalRows;
    private int otherRows;
    private final BigDecimal[] columnSums;
    private final boolean[] columnSummable;

    CellRules(List<CsvCell> header, List<ColumnSummary> columns, List<ColumnRole> roles, TableCheck.Findings findings) {
        this.header = header;
        this.roles = roles;
        this.findings = findings;
        for (int i = 0; i < header.size(); i++) {
            if (roles.get(i) != ColumnRole.COUNT) continue;
            boolean total = ColumnRole.words(header.get(i).text()).stream().anyMatch(TableCheck::totalLabel);
            (total ? totalColumns : partColumns).add(i);
        }
        columnSums = new BigDecimal[header.size()];
        columnSummable = new boolean[header.size()];
        for (int i = 0; i < header.size(); i++) {
            columnSums[i] = BigDecimal.ZERO;
            columnSummable[i] = roles.get(i) == ColumnRole.COUNT;
        }
    }

    void row(List<CsvCell> row) {
        CellValue[] values = new CellValue[header.size()];
        for (CsvCell c : row) {
            if (c.column() < values.length) values[c.column()] = CellValue.of(c.text());
        }
        String smallOrRedacted = null;
        for (CsvCell c : row) {
            int i = c.column();
            if (i >= values.length) continue;
            CellValue v = values[i];
            if (v.kind() == CellValue.Kind.REDACTED && roles.get(i) != ColumnRole.RATE && smallOrRedacted == null) {
                smallOrRedacted = "the count in " + TableCheck.quoted(header.get(i).text()) + " is redacted";
            }
            if (!v.integral()) continue;
            BigDecimal x = v.number();
            switch (roles.get(i)) {
                case COUNT -> {
                    if (x.signum() > 0 && x.compareTo(SEVEN) <= 0) {
                        if (smallOrRedacted == null) smallOrRedacted = "the count in " + TableCheck.quoted(header.get(i).text()) + " is " + plain(x);
                        findings.add(Diagnostic.of(Rule.OUTPUT_SMALL_COUNT, c.range(), "The count " + plain(x) + " in "
                                + TableCheck.quoted(header.get(i).text()) + " is 7 or fewer: redact it (write " + REDACTED
                                + ") or merge the group with another, then recompute totals.")
                                .withFix(Fix.replace("Replace with " + REDACTED, c.range(), REDACTED)));
                    } else if (x.compareTo(SEVEN) > 0 && x.remainder(FIVE).signum() != 0) {
                        BigDecimal rounded = nearest5(x);
                        findings.add(Diagnostic.of(Rule.OUTPUT_UNROUNDED_COUNT, c.range(), "The count " + plain(x) + " in "
                                + TableCheck.quoted(header.get(i).text()) + " is not a multiple of 5: round counts to the nearest 5 ("
                                + plain(rounded) + ") after redacting those of 7 or fewer.")
                                .withFix(Fix.replace("Round to " + plain(rounded), c.range(), plain(rounded))));
                    }
                }
                case MIDPOINT6 -> {
                    if (x.signum() != 0 && x.subtract(THREE).remainder(SIX).signum() != 0) {
                        BigDecimal m = midpoint6(x);
                        findings.add(Diagnostic.of(Rule.OUTPUT_UNROUNDED_COUNT, c.range(), "The value " + plain(x) + " in "
                                + TableCheck.quoted(header.get(i).text()) + " is not on the midpoint-6 scheme its name promises"
                                + " (0, 3, 9, 15, ...): write ceil(x/6)*6-3, here " + plain(m) + ".")
                                .withFix(Fix.replace("Round to " + plain(m) + " (midpoint 6)", c.range(), plain(m))));
                    }
                }
                case MIDPOINT6_DERIVED -> {
                    if (x.remainder(SIX).signum() != 0) {
                        findings.add(Diagnostic.of(Rule.OUTPUT_UNROUNDED_COUNT, c.range(), "The value " + plain(x) + " in "
                                + TableCheck.quoted(header.get(i).text()) + " is not a multiple of 6, as values derived from"
                                + " midpoint-6 counts are: derive it from the midpoint-6 rounded counts."));
                    }
                }
                default -> { }
            }
        }
        if (smallOrRedacted != null) {
            for (CsvCell c : row) {
                int i = c.column();
                if (i >= values.length || roles.get(i) != ColumnRole.RATE || !values[i].numeric()) continue;
                findings.add(Diagnostic.of(Rule.OUTPUT_RATE_SMALL_COUNT, c.range(), "This " + TableCheck.quoted(header.get(i).text())
                        + " value is in a row where " + smallOrRedacted + ", so it reveals that count: redact it too ("
                        + REDACTED + "), or merge the group with another.")
                        .withFix(Fix.replace("Replace with " + REDACTED, c.range(), REDACTED)));
            }
        }
        columnTotals(row, values);
        rowTotals(row, values);
    }

    /** A total column in this row against the sum of the other count columns of the row. */
    private void columnTotals(List<CsvCell> row, CellValue[] values) {
        if (partColumns.size() < 2) return;
        BigDecimal sum = BigDecimal.ZERO;
        for (int p : partColumns) {
            if (values[p] == null || !values[p].integral()) return; // a redacted or missing part: the sum is unknown
            sum = sum.add(values[p].number());
        }
        for (int t : totalColumns) {
            if (values[t] == null || !values[t].integral()) continue;
            BigDecimal diff = values[t].number().subtract(sum);
            if (diff.signum() == 0) {
                if (sum.signum() > 0) columnTotalConfirmed = true;
                continue;
            }
            // Only a total that is close to the sum is a sum rounded on its own; a far one totals something else.
            if (diff.abs().compareTo(BigDecimal.valueOf(2L * partColumns.size() + 2)) > 0) continue;
            CsvCell cell = cellAt(row, t);
            if (cell == null) continue;
            columnTotalSuspects.add(Diagnostic.of(Rule.OUTPUT_TOTAL_MISMATCH, cell.range(), "The total " + plain(values[t].number())
                    + " is not the sum of the rounded counts in its row (" + plain(sum) + "): after rounding, compute totals from the"
                    + " rounded values.").withFix(Fix.replace("Replace with the sum " + plain(sum), cell.range(), plain(sum))));
        }
    }

    /** Collects the column sums of the rows that are not the total row. */
    private void rowTotals(List<CsvCell> row, CellValue[] values) {
        boolean isTotal = row.stream().anyMatch(c -> c.column() < values.length && values[c.column()].kind() == CellValue.Kind.TEXT
                && TableCheck.totalLabel(c.text()));
        if (isTotal) {
            totalRows++;
            totalRow = row;
            return;
        }
        otherRows++;
        for (int i = 0; i < values.length; i++) {
            if (!columnSummable[i]) continue;
            if (values[i] == null || !values[i].integral()) columnSummable[i] = false;
            else columnSums[i] = columnSums[i].add(values[i].number());
        }
    }

    void finish() {
        if (columnTotalConfirmed) columnTotalSuspects.forEach(findings::add);
        if (totalRows != 1 || otherRows < 2) return;
        CellValue[] totals = new CellValue[header.size()];
        for (CsvCell c : totalRow) {
            if (c.column() < totals.length) totals[c.column()] = CellValue.of(c.text());
        }
        for (int i = 0; i < totals.length; i++) {
            if (!columnSummable[i] || totals[i] == null || !totals[i].integral()) continue;
            BigDecimal diff = totals[i].number().subtract(columnSums[i]);
            if (diff.signum() == 0 || diff.abs().compareTo(BigDecimal.valueOf(2L * otherRows + 2)) > 0) continue;
            CsvCell cell = cellAt(totalRow, i);
            findings.add(Diagnostic.of(Rule.OUTPUT_TOTAL_MISMATCH, cell.range(), "The total " + plain(totals[i].number()) + " in "
                    + TableCheck.quoted(header.get(i).text()) + " is not the sum of the rounded counts above it (" + plain(columnSums[i])
                    + "): after rounding, compute totals from the rounded values.")
                    .withFix(Fix.replace("Replace with the sum " + plain(columnSums[i]), cell.range(), plain(columnSums[i]))));
        }
    }

    private static CsvCell cellAt(List<CsvCell> row, int column) {
        return column < row.size() && row.get(column).column() == column ? row.get(column) : null;
    }

    static BigDecimal nearest5(BigDecimal x) {
        BigInteger n = x.toBigIntegerExact();
        BigInteger[] qr = n.divideAndRemainder(BigInteger.valueOf(5));
        BigInteger base = qr[0].multiply(BigInteger.valueOf(5));
        return new BigDecimal(qr[1].intValue() >= 3 ? base.add(BigInteger.valueOf(5)) : base);
    }

    static BigDecimal midpoint6(BigDecimal x) {
        BigInteger n = x.toBigIntegerExact();
        BigInteger[] qr = n.divideAndRemainder(BigInteger.valueOf(6));
        BigInteger ceil = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return new BigDecimal(ceil.multiply(BigInteger.valueOf(6)).subtract(BigInteger.valueOf(3)));
    }

    /** A number as a person writes it: 10, not 1E+1 or 10.0. */
    static String plain(BigDecimal x) {
        BigDecimal s = x.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }
}
