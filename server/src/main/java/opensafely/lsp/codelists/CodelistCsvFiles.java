package opensafely.lsp.codelists;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Codelist CSV files as codelist_from_csv (cohort-extractor's and ehrQL's) reads them: the header, and the
 * rows split into cells. Read lazily and cached by modification time and size, so typing does not re-read
 * them; one instance per analyser, shared by its rules and editor features.
 */
public final class CodelistCsvFiles {
    /** A CSV's header (names stripped) and its non-blank rows. */
    public record Csv(Path path, List<String> header, List<List<String>> rows) {
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
    }

    private record Cached(FileTime modified, long size, Csv csv) {
    }

    private static final int MAX_ROWS = 200_000;

    private final Map<Path, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Cached> eldest) {
            return size() > 256;
        }
    };

    public synchronized Optional<Csv> read(Path p) {
        try {
            if (!Files.isRegularFile(p) || p.toString().endsWith(".gz")) return Optional.empty();
            FileTime m = Files.getLastModifiedTime(p);
            long size = Files.size(p);
            Cached c = cache.get(p);
            if (c != null && c.modified.equals(m) && c.size == size) return Optional.of(c.csv);
            List<String> header = List.of();
            List<List<String>> rows = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String first = r.readLine();
                if (first != null) {
                    if (first.startsWith("\uFEFF")) first = first.substring(1);
                    header = split(first).stream().map(String::strip).toList();
                }
                String line;
                while ((line = r.readLine()) != null && rows.size() < MAX_ROWS) {
                    if (!line.isBlank()) rows.add(split(line));
                }
            }
            Csv csv = new Csv(p, header, rows);
            cache.put(p, new Cached(m, size, csv));
            return Optional.of(csv);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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
