package opensafely.lsp.cli.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;

/**
 * Everything one `check` run found, in the order the files were named; every output format renders this.
 *
 * @param workingDirectory the directory file paths are relative to (SARIF records it)
 * @param version the tool's version, as `--version` prints it
 */
public record CheckReport(Path workingDirectory, String version, List<FileReport> files) {
    public CheckReport {
        files = List.copyOf(files);
    }

    public long count(Severity severity) {
        return files.stream().flatMap(f -> f.diagnostics().stream()).filter(d -> d.severity() == severity).count();
    }

    public long total() {
        return files.stream().mapToLong(f -> f.diagnostics().size()).sum();
    }

    /** Whether any finding is at least as severe as {@code threshold}. */
    public boolean hasAtLeast(Severity threshold) {
        return files.stream().flatMap(f -> f.diagnostics().stream()).map(Diagnostic::severity).anyMatch(s -> s.atLeast(threshold));
    }

    /**
     * The last line of the human formats: "2 errors, 1 warning in 1 file", or "No problems found in 3
     * files". The file count is the number of files checked, so both forms read alike.
     */
    public String summary() {
        String in = " in " + plural(files.size(), "file", "files");
        if (total() == 0) {
            return "No problems found" + in;
        }
        StringBuilder s = new StringBuilder();
        s.append(plural(count(Severity.ERROR), "error", "errors"));
        s.append(", ").append(plural(count(Severity.WARNING), "warning", "warnings"));
        long info = count(Severity.INFORMATION);
        if (info > 0) s.append(", ").append(info).append(" info");
        long hints = count(Severity.HINT);
        if (hints > 0) s.append(", ").append(plural(hints, "hint", "hints"));
        return s.append(in).toString();
    }

    /**
     * What the formats left out of this report ({@link FileReport#shown()}), said once, or empty when
     * nothing was cut.
     */
    public Optional<String> cutNote() {
        List<String> parts = new ArrayList<>();
        for (FileReport f : files) {
            if (f.omitted() > 0) {
                parts.add("wrote the first " + FileReport.MAX_SHOWN + " of " + f.diagnostics().size() + " findings in " + f.path());
            }
        }
        long shortened = files.stream().mapToLong(FileReport::shortened).sum();
        if (shortened > 0) {
            parts.add("shortened " + plural(shortened, "message", "messages") + " to " + FileReport.MAX_MESSAGE_CHARS + " characters");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts) + ".");
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
