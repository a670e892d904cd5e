package opensafely.lsp.scripts;

import opensafely.lsp.text.Range;

/**
 * A column a script reads by name from a table it read from a file ({@code df["age"]}, {@code df$age},
 * {@code select(age, sex)}, a Stata variable after {@code import delimited}).
 *
 * @param source the read of the file the table came from
 * @param column the column name, as written
 * @param range the range of the name alone (inside the quotes, if any)
 */
public record ColumnUse(FileUse source, String column, Range range) {}
