package opensafely.lsp.text;

/** A half-open range between two positions, as in LSP. */
public record Range(Position start, Position end) {
    public static Range of(int startLine, int startChar, int endLine, int endChar) {
        return new Range(new Position(startLine, startChar), new Position(endLine, endChar));
    }

    public static Range at(Position p) {
        return new Range(p, p);
    }

    public boolean contains(Position p) {
        return start.compareTo(p) <= 0 && p.compareTo(end) <= 0;
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
