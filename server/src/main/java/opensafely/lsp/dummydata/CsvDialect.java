package opensafely.lsp.dummydata;

/**
 * How a tool spells a CSV: ehrQL writes with Python's csv module (lines end CRLF, booleans T/F); cohort-extractor
 * with pandas (lines end LF, booleans 1/0). Both quote minimally and write floats as Python's repr.
 */
public record CsvDialect(String trueText, String falseText, String lineEnd) {
    public static final CsvDialect EHRQL = new CsvDialect("T", "F", "\r\n");
    public static final CsvDialect COHORT_EXTRACTOR = new CsvDialect("1", "0", "\n");
}
