package opensafely.lsp.outputs;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * job-runner's automatic checks of a moderately_sensitive output (tooling spec §4.2), in its order: size, then
 * file type, then a CSV's header and row count. A file that fails one would not be copied to Level 4.
 */
public final class Level4Check {
    public static final long MAX_SIZE = 16L * 1024 * 1024;
    public static final long MAX_CSV_ROWS = 5000;
    /** pipeline's LEVEL4_FILE_TYPES: the suffixes (Python's Path.suffix, case-sensitive) that may go to Level 4. */
    public static final Set<String> FILE_TYPES = Set.of(".csv", ".jpg", ".jpeg", ".png", ".svg", ".svgz", ".html", ".txt", ".log", ".json", ".md");

    private Level4Check() {
    }

    /** Why job-runner would exclude this file from Level 4, or empty when it passes. */
    public static Optional<String> excludedBecause(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_SIZE) {
            return Optional.of(String.format(Locale.ROOT, "File size of %.2fMb is larger than limit of %.2fMb.", size / 1048576.0, MAX_SIZE / 1048576.0));
        }
        String suffix = suffix(file.getFileName().toString());
        if (!FILE_TYPES.contains(suffix)) return Optional.of("File type of " + suffix + " is not valid level 4 file");
        if (!suffix.equals(".csv")) return Optional.empty();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) return Optional.empty();
            for (String h : header.split(",", -1)) {
                if (h.strip().replace("\"", "").equals("patient_id")) return Optional.of("File has patient_id column");
            }
            long rows = 0;
            while (r.readLine() != null) {
                if (++rows > MAX_CSV_ROWS) return Optional.of("File has " + "more than " + MAX_CSV_ROWS + " rows");
            }
        }
        return Optional.empty();
    }

    /** Python's Path.suffix: from the last dot of the name, unless the name starts with it; "" if none. */
    static String suffix(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot);
    }
}
