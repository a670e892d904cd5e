package opensafely.lsp.outputs;

import opensafely.lsp.text.Range;

/**
 * One field of a CSV record as written (quotes removed, doubled quotes undone), with where it is: the range
 * covers the field as it stands in the file, quotes included, in zero-based lines and UTF-16 characters.
 *
 * @param column the zero-based column
 */
public record CsvCell(int column, String text, Range range) {
}
