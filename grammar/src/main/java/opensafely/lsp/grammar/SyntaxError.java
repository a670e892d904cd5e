package opensafely.lsp.grammar;

/**
 * One problem found while reading Python source.
 *
 * @param line    1-based line of the offending token (or character)
 * @param column  0-based column in UTF-16 code units, like Java string indices and LSP positions
 * @param message what is wrong, e.g. {@code missing ')' at '\n'} or {@code unterminated string literal}
 * @param length  UTF-16 length of the offending text on that line (0 when it is a position only)
 */
public record SyntaxError(int line, int column, String message, int length) {

    public SyntaxError(int line, int column, String message) {
        this(line, column, message, 0);
    }
}
