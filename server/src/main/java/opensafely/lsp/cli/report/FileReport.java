package opensafely.lsp.cli.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.LineIndex;

/**
 * The findings for one checked file.
 *
 * @param path the file as reports name it: relative to the working directory with forward slashes, or
 *     absolute for a file outside it (see {@link ReportPaths})
 * @param absolutePath where the file is, for tools that need it
 * @param text the text that was analysed (for a file that is not UTF-8, the part before the first bad
 *     byte); SARIF fingerprints hash its lines
 * @param diagnostics what the language service reported, in its order
 */
public record FileReport(String path, Path absolutePath, String text, List<Diagnostic> diagnostics) {
    /**
     * At most this many findings of one file are written out. Nobody reads further, and a pathological
     * file (thousands of generated actions, each wrong) would otherwise make a report of many megabytes;
     * the counts and the exit code still cover every finding.
     */
    public static final int MAX_SHOWN = 1000;
    /** A message longer than this is cut (with "…"): a readable message is a few lines at most. */
    public static final int MAX_MESSAGE_CHARS = 2000;

    public FileReport {
        diagnostics = List.copyOf(diagnostics);
    }

    /** The findings the formats write: the first {@link #MAX_SHOWN}, each message at most {@link #MAX_MESSAGE_CHARS}. */
    public List<Diagnostic> shown() {
        if (diagnostics.size() <= MAX_SHOWN && shortened() == 0) return diagnostics;
        List<Diagnostic> out = new ArrayList<>(Math.min(diagnostics.size(), MAX_SHOWN));
        for (Diagnostic d : diagnostics.subList(0, Math.min(diagnostics.size(), MAX_SHOWN))) {
            out.add(d.message().length() <= MAX_MESSAGE_CHARS ? d
                    : new Diagnostic(d.range(), d.severity(), d.rule(), cut(d.message()), d.related(), d.fixes()));
        }
        return out;
    }

    /** How many findings {@link #shown()} leaves out. */
    public int omitted() {
        return Math.max(0, diagnostics.size() - MAX_SHOWN);
    }

    /** How many of the shown findings have a shortened message. */
    public int shortened() {
        int n = 0;
        for (int i = 0; i < Math.min(diagnostics.size(), MAX_SHOWN); i++) {
            if (diagnostics.get(i).message().length() > MAX_MESSAGE_CHARS) n++;
        }
        return n;
    }

    private static String cut(String message) {
        int end = MAX_MESSAGE_CHARS - 1;
        if (Character.isHighSurrogate(message.charAt(end - 1))) end--; // never split a character
        return message.substring(0, end) + "…";
    }

    /** Built on demand: only the SARIF fingerprints read lines, and most files have no findings. */
    LineIndex lines() {
        return new LineIndex(text);
    }
}
