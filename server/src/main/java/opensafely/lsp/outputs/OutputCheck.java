package opensafely.lsp.outputs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The checks of one moderately_sensitive output (tooling spec §4): job-runner's Level-4 checks in its order (size,
 * else type, else a CSV's patient_id column and row count), then, for a table, the disclosure checks of
 * {@link TableCheck}, and for a figure, whether its action also writes its data. A file too large for Level 4 is not
 * read at all; any other is read through its {@link StudyFolder} (never through a link out of it) and streamed.
 */
public final class OutputCheck {
    static final Set<String> IMAGE_SUFFIXES = Set.of(".png", ".svg", ".svgz", ".jpeg", ".jpg");
    /** A .csv.gz is decompressed up to this much: far beyond any table a checker could review. */
    static final long MAX_DECOMPRESSED = 256L << 20;
    private static final Range FILE_START = Range.at(new Position(0, 0));

    private OutputCheck() {
    }

    public static boolean isImage(String name) {
        return IMAGE_SUFFIXES.contains(Level4Check.suffix(name).toLowerCase(Locale.ROOT));
    }

    /** Whether the content checks read this file as a table: a .csv, or a .csv.gz (decompressed). */
    public static boolean isTable(String name) {
        return name.endsWith(".csv") || name.endsWith(".csv.gz");
    }

    /**
     * Checks a file on disk.
     *
     * @param match the action that writes it, if a moderately_sensitive pattern names it
     * @param outputs all the study's outputs, to find the data of a figure among its action's
     */
    public static OutputReport onDisk(StudyFolder folder, Path file, String relative, Optional<StudyOutputs.Match> match,
                                      List<StudyOutputs.Match> outputs) throws IOException {
        String name = file.getFileName().toString();
        Optional<String> action = match.map(m -> m.action().name());
        if (folder.leavesFolder(file)) {
            return new OutputReport(file, relative, action, List.of(Diagnostic.of(Rule.FILE_OUTSIDE_STUDY, FILE_START,
                    "This output is a link to a file outside the study folder, so it is not read.")), Optional.empty());
        }
        long size = Files.size(file);
        List<Diagnostic> findings = new ArrayList<>();
        Optional<TableCheck.Result> table = Optional.empty();
        if (!levelFourFileChecks(name, size, findings)) {
            return new OutputReport(file, relative, action, findings, table);
        }
        if (isTable(name)) {
            boolean gz = name.endsWith(".gz");
            TableCheck.Result result = TableCheck.check(() -> open(folder, file, gz));
            table = Optional.of(result);
            if (!gz) levelFourCsvChecks(result, findings);
            findings.addAll(result.findings());
        }
        if (isImage(name) && match.isPresent() && !hasData(match.get(), outputs)) {
            findings.add(Diagnostic.of(Rule.OUTPUT_FIGURE_WITHOUT_DATA, FILE_START, "The action '" + match.get().action().name()
                    + "' writes this figure but no moderately_sensitive CSV: have it also write the aggregate data the figure shows"
                    + " (redacted and rounded), or the figure cannot be released."));
        }
        return new OutputReport(file, relative, action, findings, table);
    }

    /** Checks every moderately_sensitive output of the study on disk, in path order. */
    public static List<OutputReport> study(StudyFolder folder) throws IOException {
        List<StudyOutputs.Match> outputs = StudyOutputs.of(folder);
        List<OutputReport> reports = new ArrayList<>();
        for (StudyOutputs.Match m : outputs) reports.add(onDisk(folder, m.file(), m.relative(), Optional.of(m), outputs));
        return reports;
    }

    /** Checks the text of an open document: a CSV output as the editor holds it. */
    public static List<Diagnostic> ofText(String name, String text) throws IOException {
        List<Diagnostic> findings = new ArrayList<>();
        long size = utf8Length(text);
        if (!levelFourFileChecks(name, size, findings) || !name.endsWith(".csv")) return findings;
        TableCheck.Result result = TableCheck.check(() -> new StringReader(text));
        levelFourCsvChecks(result, findings);
        findings.addAll(result.findings());
        return findings;
    }

    /** The size of the text saved as UTF-8, counted without a copy (an open output may be tens of megabytes). */
    static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    /**
     * Size, then type, as job-runner; false when the file is not worth reading further: too large (not read at
     * all, as job-runner does not) or of a type that is neither a table nor a figure.
     */
    private static boolean levelFourFileChecks(String name, long size, List<Diagnostic> findings) {
        if (size > Level4Check.MAX_SIZE) {
            findings.add(Diagnostic.of(Rule.OUTPUT_TOO_LARGE, FILE_START, "job-runner will not copy this file to Level 4: \""
                    + Level4Check.sizeMessage(size) + "\" Write a smaller, aggregate output."));
            return false;
        }
        String suffix = Level4Check.suffix(name);
        if (!Level4Check.FILE_TYPES.contains(suffix)) {
            String advice = name.endsWith(".csv.gz") ? " Write it as an uncompressed .csv (its content is checked below)."
                    : " Write it as .csv (a table) or .png/.svg (a figure), or make it highly_sensitive.";
            findings.add(Diagnostic.of(Rule.OUTPUT_FILE_TYPE, FILE_START, "job-runner will not copy this file to Level 4: \""
                    + Level4Check.typeMessage(suffix) + "\"." + advice));
            return isTable(name);
        }
        return true;
    }

    private static void levelFourCsvChecks(TableCheck.Result result, List<Diagnostic> findings) {
        result.headerCell("patient_id").ifPresent(c -> findings.add(Diagnostic.of(Rule.OUTPUT_PATIENT_ID_COLUMN, c.range(),
                "job-runner will not copy this file to Level 4: \"" + Level4Check.patientIdMessage() + "\". Patient-level data is"
                        + " never released: make the output highly_sensitive, or drop the column if the table is aggregate.")));
        if (result.rows() > Level4Check.MAX_CSV_ROWS) {
            Range at = result.firstRowOverLimit() != null ? result.firstRowOverLimit() : FILE_START;
            findings.add(Diagnostic.of(Rule.OUTPUT_TOO_MANY_ROWS, at, "job-runner will not copy this file to Level 4: \""
                    + Level4Check.rowsMessage(result.rows()) + "\". This is the first row past the limit; aggregate further or split the table."));
        }
    }

    /** A figure has its data when its action declares a CSV output, or one of its outputs on disk is a CSV. */
    private static boolean hasData(StudyOutputs.Match figure, List<StudyOutputs.Match> outputs) {
        if (StudyOutputs.declaresCsv(figure.action())) return true;
        return outputs.stream().anyMatch(o -> o.action().name().equals(figure.action().name()) && o.relative().endsWith(".csv"));
    }

    private static Reader open(StudyFolder folder, Path file, boolean gz) throws IOException {
        Optional<StudyFolder.Bounded> in = folder.open(file, Level4Check.MAX_SIZE + 1);
        if (in.isEmpty()) throw new IOException("cannot read " + file.getFileName());
        InputStream s = in.get();
        if (gz) s = new LimitedInputStream(new GZIPInputStream(s), MAX_DECOMPRESSED);
        // Bad UTF-8 becomes U+FFFD: the numbers around it are still worth checking.
        return new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Ends quietly after a number of bytes: a decompression bomb yields only its start. */
    private static final class LimitedInputStream extends java.io.FilterInputStream {
        private long left;

        LimitedInputStream(InputStream in, long max) {
            super(in);
            left = max;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int c = super.read();
            if (c >= 0) left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
