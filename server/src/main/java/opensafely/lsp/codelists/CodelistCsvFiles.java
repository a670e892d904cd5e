package opensafely.lsp.codelists;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.workspace.Excerpt;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Codelist CSV files as codelist_from_csv (cohort-extractor's and ehrQL's) reads them: the header, and the
 * rows split into cells. Read lazily and cached by modification time and size, so typing does not re-read
 * them; one instance per analyser, shared by its rules and editor features.
 *
 * <p>Read through {@link StudyFolder#open}, so never through a link that leaves the study, and bounded: the
 * header is looked for in the first {@link #MAX_HEADER_CHARS} characters only (a longer first line is
 * {@link Csv#headerTooLong()}, not a header), rows stop at {@link #MAX_ROWS}, a line at {@link #MAX_LINE_CHARS},
 * the file at {@link #MAX_BYTES}.
 */
public final class CodelistCsvFiles {
    /**
     * A CSV's header (names stripped) and its non-blank rows. When the first line is longer than a header
     * can be, {@code headerTooLong} is set, the header is empty, and {@code headerStart} holds its first
     * characters (raw: quote them with {@link Excerpt}).
     */
    public record Csv(Path path, List<String> header, List<List<String>> rows, boolean headerTooLong, String headerStart) {
        public Csv(Path path, List<String> header, List<List<String>> rows) {
            this(path, header, rows, false, "");
        }

        /** The stripped, non-blank values of a column (as codelist_from_csv keeps them), or null if there is no such column. */
        public List<String> column(String name) {
            int i = header.indexOf(name);
            if (i < 0) return null;
            List<String> out = new ArrayList<>();
            for (List<String> r : rows) {
                if (i < r.size() && !r.get(i).isBlank()) out.add(r.get(i).strip());
            }
            return out;
        }

        /** The header names that may be offered as a correction: short, and with nothing invisible or reordering in them. */
        public List<String> suggestibleHeader() {
            return header.stream().filter(n -> n.length() <= 60 && n.codePoints().noneMatch(Excerpt::unsafe)).toList();
        }

        /** The header's names for a message: joined with ", ", cut short and escaped. */
        public String describeHeader() {
            return Excerpt.of(String.join(", ", header));
        }

        /** The finding for an over-long first line, naming the file as {@code shown}. */
        public String headerTooLongMessage(String shown) {
            return "The first line of '" + shown + "' is longer than " + MAX_HEADER_CHARS + " characters (it starts \""
                    + Excerpt.of(headerStart) + "\"), so it is not a codelist header; a codelist CSV starts with a short"
                    + " line of column names such as code,term.";
        }
    }

    private record Cached(FileTime modified, long size, Csv csv) {
    }

    public static final int MAX_ROWS = 200_000;
    /** A codelist's header names a handful of columns: a first line longer than this is not one. */
    public static final int MAX_HEADER_CHARS = 4096;
    static final int MAX_LINE_CHARS = 64 * 1024;
    static final long MAX_BYTES = 64L << 20;

    private final Map<Path, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Cached> eldest) {
            return size() > 256;
        }
    };

    /** The CSV at {@code p}, read as far as {@code folder} allows; empty when it may not or cannot be read. */
    public synchronized Optional<Csv> read(StudyFolder folder, Path p) {
        try {
            if (p.toString().endsWith(".gz") || folder.access(p) != StudyFolder.Access.FILE) return Optional.empty();
            FileTime m = Files.getLastModifiedTime(p);
            long size = Files.size(p);
            Cached c = cache.get(p);
            if (c != null && c.modified.equals(m) && c.size == size) return Optional.of(c.csv);
            Optional<StudyFolder.Bounded> in = folder.open(p, MAX_BYTES);
            if (in.isEmpty()) return Optional.empty();
            Csv csv;
            try (Reader r = new InputStreamReader(in.get(), StandardCharsets.UTF_8)) {
                csv = parse(p, new BufferedReader(r, 8192));
            }
            cache.put(p, new Cached(m, size, csv));
            return Optional.of(csv);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Csv parse(Path p, BufferedReader r) throws IOException {
        StringBuilder line = new StringBuilder();
        int first = readLine(r, line, MAX_HEADER_CHARS);
        if (first == EOF && line.length() == 0) return new Csv(p, List.of(), List.of());
        String head = line.toString();
        if (head.startsWith("\uFEFF")) head = head.substring(1);
        if (first == TOO_LONG) return new Csv(p, List.of(), List.of(), true, head.substring(0, Math.min(head.length(), 200)));
        List<String> header = split(head).stream().map(String::strip).toList();
        List<List<String>> rows = new ArrayList<>();
        while (rows.size() < MAX_ROWS) {
            line.setLength(0);
            int got = readLine(r, line, MAX_LINE_CHARS);
            if (got == TOO_LONG) break; // not a codelist row: what came before is what we know
            if (line.length() > 0 && !line.toString().isBlank()) rows.add(split(line.toString()));
            if (got == EOF) break;
        }
        return new Csv(p, header, rows);
    }

    private static final int EOF = -1, LINE = 0, TOO_LONG = 1;

    /**
     * Reads one line (without its terminator) into {@code out}, keeping at most {@code max} characters; the rest
     * of a longer line is skipped unread into memory. Returns LINE, EOF (the last line, perhaps empty) or TOO_LONG.
     */
    private static int readLine(BufferedReader r, StringBuilder out, int max) throws IOException {
        boolean tooLong = false;
        int ch;
        while ((ch = r.read()) != -1) {
            if (ch == '\n') return tooLong ? TOO_LONG : LINE;
            if (ch == '\r') {
                r.mark(1);
                if (r.read() != '\n') r.reset();
                return tooLong ? TOO_LONG : LINE;
            }
            if (out.length() < max) out.append((char) ch);
            else tooLong = true;
        }
        return tooLong ? TOO_LONG : EOF;
    }

    /** One CSV line's cells (quotes and doubled quotes as Python's csv module reads them). */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') quoted = false;
                else cur.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }
}
