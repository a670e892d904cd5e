package opensafely.lsp.text;

/** A zero-based line and a character offset counted in UTF-16 code units, exactly as in LSP. */
public record Position(int line, int character) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
        return line != o.line ? Integer.compare(line, o.line) : Integer.compare(character, o.character);
    }

    @Override
    public String toString() {
        return line + ":" + character;
    }
}
