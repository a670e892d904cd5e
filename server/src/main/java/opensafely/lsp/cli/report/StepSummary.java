package opensafely.lsp.cli.report;

import opensafely.lsp.diagnostics.Diagnostic;

/**
 * A Markdown table of every finding for GitHub's job summary ({@code $GITHUB_STEP_SUMMARY}). Annotations
 * alone are not enough: GitHub shows only about ten of each kind per step and drops the rest silently.
 * GitHub accepts at most 1 MiB per step, so a very long table is cut short with a count of what is left.
 */
public final class StepSummary {
    /** Stay well under GitHub's 1 MiB per step (counted in bytes; messages are mostly ASCII). */
    static final int LIMIT_CHARS = 900 * 1024;

    private StepSummary() {
    }

    public static String markdown(CheckReport report) {
        StringBuilder s = new StringBuilder();
        s.append("### opensafely-lsp check\n\n").append(report.summary()).append("\n");
        if (report.total() == 0) return s.toString();
        s.append("\n| File | Line | Severity | Rule | Message |\n| --- | ---: | --- | --- | --- |\n");
        long left = report.total();
        for (FileReport f : report.files()) {
            for (Diagnostic d : f.shown()) {
                String row = "| " + code(f.path()) + " | " + (d.range().start().line() + 1) + " | " + d.severity().label()
                        + " | " + code(d.code()) + " | " + cell(d.message()) + " |\n";
                if (s.length() + row.length() > LIMIT_CHARS) {
                    return s.append("\n… and ").append(left).append(" more; see the SARIF or JSON report.\n").toString();
                }
                s.append(row);
                left--;
            }
        }
        if (left > 0) s.append("\n… and ").append(left).append(" more; see the SARIF or JSON report.\n"); // beyond FileReport.MAX_SHOWN
        return s.toString();
    }

    private static String code(String text) {
        return "`" + text.replace("`", "'").replace("|", "\\|") + "`";
    }

    /** Table cells are one line, and a bare `|` would end the cell. */
    private static String cell(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")
                .replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>");
    }
}
