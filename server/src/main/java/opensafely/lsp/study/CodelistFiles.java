package opensafely.lsp.study;

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

/** Headers and row counts of codelist CSV files, read lazily and cached by modification time. */
final class CodelistFiles {
    /** A CSV's header and the number of data rows. */
    record CsvInfo(Path path, List<String> header, int rows) {
    }

    private record Cached(FileTime modified, long size, CsvInfo info) {
    }

    private final Map<Path, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Cached> eldest) {
            return size() > 512;
        }
    };

    synchronized Optional<CsvInfo> read(Path p) {
        try {
            if (!Files.isRegularFile(p)) return Optional.empty();
            FileTime m = Files.getLastModifiedTime(p);
            long size = Files.size(p);
            Cached c = cache.get(p);
            if (c != null && c.modified.equals(m) && c.size == size) return Optional.of(c.info);
            List<String> header = new ArrayList<>();
            int rows = 0;
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String first = r.readLine();
                if (first != null) {
                    if (first.startsWith("\uFEFF")) first = first.substring(1);
                    header = splitCsv(first);
                }
                String line;
                while ((line = r.readLine()) != null) if (!line.isBlank()) rows++;
            }
            CsvInfo info = new CsvInfo(p, List.copyOf(header), rows);
            cache.put(p, new Cached(m, size, info));
            return Optional.of(info);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static List<String> splitCsv(String line) {
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
