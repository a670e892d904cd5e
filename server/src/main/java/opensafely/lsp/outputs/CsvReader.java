package opensafely.lsp.outputs;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * Reads CSV (RFC 4180, as Python's csv module and pandas write it) one record at a time from a stream, so a
 * file is never held whole: quoted fields may hold commas, doubled quotes and line breaks; {@code \n},
 * {@code \r\n} and {@code \r} end lines. Every field keeps its range (line, UTF-16 character), so a finding
 * lands on its cell. Blank lines are skipped, as Python's csv.DictReader (and so job-runner's row count) does.
 *
 * <p>Bounded: a field longer than {@link #MAX_FIELD_CHARS} keeps only its start, a record wider than
 * {@link #MAX_COLUMNS} only its first columns; nothing a file holds can grow memory without limit.
 */
public final class CsvReader {
    public static final int MAX_FIELD_CHARS = 4096;
    public static final int MAX_COLUMNS = 2000;

    private final Reader in;
    private int line;
    private int character;
    private int pending = -2; // one character of look-ahead; -2 for none
    private boolean afterCr;

    public CsvReader(Reader in) {
        this.in = in;
    }

    private int read() throws IOException {
        int c;
        if (pending != -2) {
            c = pending;
            pending = -2;
        } else {
            c = in.read();
        }
        return c;
    }

    private void unread(int c) {
        pending = c;
    }

    /** Moves the position past one character (a line break starts a new line; \r\n counts once). */
    private void advance(int c) {
        if (c == '\n') {
            if (!afterCr) {
                line++;
                character = 0;
            }
            afterCr = false;
        } else if (c == '\r') {
            line++;
            character = 0;
            afterCr = true;
        } else {
            character++;
            afterCr = false;
        }
    }

    /** The next non-blank record, or null at the end of the stream. */
    public List<CsvCell> next() throws IOException {
        while (true) {
            int c = read();
            if (c == -1) return null;
            if (c == '\n' || c == '\r') {
                advance(c);
                continue; // a blank line
            }
            unread(c);
            return record();
        }
    }

    private List<CsvCell> record() throws IOException {
        List<CsvCell> cells = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            field.setLength(0);
            Position start = new Position(line, character);
            int c = read();
            boolean quoted = c == '"';
            if (quoted) {
                advance(c);
                while (true) {
                    c = read();
                    if (c == -1) break;
                    advance(c);
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            advance(d);
                            append(field, '"');
                            continue;
                        }
                        unread(d);
                        break;
                    }
                    append(field, (char) c);
                }
                // Characters after the closing quote (bad CSV) belong to the field, as Python's csv reads them.
                c = read();
                while (c != -1 && c != ',' && c != '\n' && c != '\r') {
                    advance(c);
                    append(field, (char) c);
                    c = read();
                }
            } else {
                while (c != -1 && c != ',' && c != '\n' && c != '\r') {
                    advance(c);
                    append(field, (char) c);
                    c = read();
                }
            }
            if (cells.size() < MAX_COLUMNS) {
                cells.add(new CsvCell(cells.size(), field.toString(), new Range(start, new Position(line, character))));
            }
            if (c == ',') {
                advance(c);
                continue;
            }
            if (c == '\r') {
                advance(c);
                int d = read();
                if (d == '\n') advance(d);
                else unread(d);
            } else if (c == '\n') {
                advance(c);
            }
            return cells;
        }
    }

    private static void append(StringBuilder field, char c) {
        if (field.length() < MAX_FIELD_CHARS) field.append(c);
    }
}
