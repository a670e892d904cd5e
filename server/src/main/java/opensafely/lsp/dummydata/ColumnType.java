package opensafely.lsp.dummydata;

/**
 * What one column holds. Values handed to a writer are {@code null} (missing) or, by type:
 * {@link Boolean}, {@link Long}, {@link Double}, {@link java.time.LocalDate}, {@link String}.
 * Codes are strings; how a boolean or a date is spelled is the writer's business (ehrQL and
 * cohort-extractor spell them differently).
 */
public enum ColumnType {
    BOOLEAN, INTEGER, FLOAT, DATE, STRING
}
