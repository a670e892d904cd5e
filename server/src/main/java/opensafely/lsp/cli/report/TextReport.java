package opensafely.lsp.cli.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import opensafely.lsp.diagnostics.Diagnostic;

/**
 * For people reading a terminal or a CI log: one line per finding,
 * {@code file:line:col: severity [code] message}, then a summary line.
 *
 * <p>Unlike the JSON output (zero-based, as in LSP), line and column here are <em>1-based</em>, because
 * that is what compilers print and what editors and terminals jump to from {@code file:line:col}.
 * The column counts UTF-16 code units, like every other position the tool reports. A message that
 * spans several lines is joined into one, so that each finding stays one grep-able line.
 */
public final class TextReport implements ReportWriter {
    @Override
    public void write(CheckReport report, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        for (FileReport file : report.files()) {
            for (Diagnostic d : file.shown()) {
                w.write(line(file.path(), d));
                w.write('\n');
            }
        }
        w.write(report.summary());
        w.write('\n');
        w.flush();
    }

    static String line(String path, Diagnostic d) {
        return path + ":" + (d.range().start().line() + 1) + ":" + (d.range().start().character() + 1) + ": "
                + d.severity().label() + " [" + d.code() + "] " + oneLine(d.message());
    }

    static String oneLine(String message) {
        return message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
