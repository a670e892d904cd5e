package opensafely.lsp.cli.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.Range;

/**
 * `check --format github`: GitHub Actions workflow commands, which GitHub shows as annotations on the
 * pull request's changed lines:
 *
 * <pre>::error file=project.yaml,line=3,endLine=3,col=5,endColumn=12,title=[code] Title::message</pre>
 *
 * <p>Warnings become {@code ::warning}; information and hints {@code ::notice}. Lines and columns are
 * 1-based; {@code endColumn} is the column just after the last character, as in SARIF. GitHub accepts
 * columns only for a range on one line, so they are left out otherwise. Values are escaped as
 * {@code @actions/core} does (a message keeps its line breaks as {@code %0A}). A plain summary line ends
 * the output. GitHub shows only about ten annotations of each kind per step, so in a workflow (where
 * {@code $GITHUB_STEP_SUMMARY} is set) `check` also appends every finding to the job summary
 * ({@link StepSummary}); upload SARIF as well for code-scanning alerts.
 */
public final class GithubReport implements ReportWriter {
    @Override
    public void write(CheckReport report, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        for (FileReport file : report.files()) {
            for (Diagnostic d : file.shown()) {
                w.write(annotation(file.path(), d));
                w.write('\n');
            }
        }
        w.write(report.summary());
        w.write('\n');
        w.flush();
    }

    static String annotation(String path, Diagnostic d) {
        Range r = d.range();
        int line = r.start().line() + 1;
        int endLine = r.end().line() + 1;
        StringBuilder s = new StringBuilder("::").append(command(d)).append(' ');
        s.append("file=").append(escapeProperty(path));
        s.append(",line=").append(line);
        s.append(",endLine=").append(endLine);
        if (line == endLine) {
            s.append(",col=").append(r.start().character() + 1);
            s.append(",endColumn=").append(r.end().character() + 1);
        }
        s.append(",title=").append(escapeProperty("[" + d.code() + "] " + d.rule().title()));
        s.append("::").append(escapeData(d.message()));
        return s.toString();
    }

    private static String command(Diagnostic d) {
        return switch (d.severity()) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFORMATION, HINT -> "notice";
        };
    }

    /** As {@code escapeData} in {@code @actions/core}. */
    static String escapeData(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** As {@code escapeProperty} in {@code @actions/core}: also the separators of the property list. */
    static String escapeProperty(String s) {
        return escapeData(s).replace(":", "%3A").replace(",", "%2C");
    }
}
