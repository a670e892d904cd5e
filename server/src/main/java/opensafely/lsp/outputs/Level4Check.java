package opensafely.lsp.outputs;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * job-runner's automatic checks of a moderately_sensitive output (tooling spec §4.2), in its order: size, else file
 * type, else (for a .csv) a {@code patient_id} column and the row count, both reported. A file that fails one is not
 * copied to Level 4; the reasons are worded as job-runner words them (its log lists them under "Invalid
 * moderately_sensitive outputs", joined by commas), so a user can match the two.
 */
public final class Level4Check {
    public static final long MAX_SIZE = 16L * 1024 * 1024;
    public static final long MAX_CSV_ROWS = 5000;
    /** pipeline's LEVEL4_FILE_TYPES: the suffixes (Python's Path.suffix, case-sensitive) that may go to Level 4. */
    public static final Set<String> FILE_TYPES = opensafely.lsp.pipeline.PrivacyLevel.LEVEL4_FILE_TYPES;

    private Level4Check() {
    }

    /** Why job-runner would exclude this file from Level 4, or empty when it passes. */
    public static Optional<String> excludedBecause(Path file) throws IOException {
        long size = Files.size(file);
        Optional<String> first = sizeOrType(file.getFileName().toString(), size);
        if (first.isPresent() || !suffix(file.getFileName().toString()).equals(".csv")) return first;
        List<String> reasons = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvReader csv = new CsvReader(r);
            List<CsvCell> header = csv.next();
            if (header == null) return Optional.empty();
            if (header.stream().anyMatch(c -> c.text().equals("patient_id"))) reasons.add(patientIdMessage());
            long rows = 0;
            while (csv.next() != null) rows++;
            if (rows > MAX_CSV_ROWS) reasons.add(rowsMessage(rows));
        } catch (java.nio.charset.MalformedInputException e) {
            return Optional.empty(); // job-runner cannot read it either, and then says nothing
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join(",", reasons));
    }

    /** The first two checks, which need only the name and the size; empty when they pass. */
    static Optional<String> sizeOrType(String name, long size) {
        if (size > MAX_SIZE) return Optional.of(sizeMessage(size));
        String suffix = suffix(name);
        if (!FILE_TYPES.contains(suffix)) return Optional.of(typeMessage(suffix));
        return Optional.empty();
    }

    /** job-runner's words, typo included ("larger that"), with sizes in MiB as Python prints round(x, 2). */
    static String sizeMessage(long size) {
        return "File size of " + pythonMb(size) + "Mb is larger that limit of " + pythonMb(MAX_SIZE) + "Mb.";
    }

    static String typeMessage(String suffix) {
        return "File type of " + suffix + " is not valid level 4 file";
    }

    static String patientIdMessage() {
        return "File has patient_id column";
    }

    static String rowsMessage(long rows) {
        return "File row count (" + rows + ") exceeds maximum allowed rows (" + MAX_CSV_ROWS + ")";
    }

    /** Python's str(round(bytes / 2**20, 2)): at least one decimal, at most two ("16.0", "17.25"). */
    static String pythonMb(long bytes) {
        BigDecimal mb = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1024L * 1024), 2, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return mb.scale() <= 0 ? mb.setScale(1).toPlainString() : mb.toPlainString();
    }

    /** Python's Path.suffix: from the last dot of the name, unless the name starts with it; "" if none. */
    static String suffix(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot);
    }
}
