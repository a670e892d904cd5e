package opensafely.lsp.cli.report;

import java.io.IOException;
import java.io.OutputStream;

/** Renders a report in one output format, as UTF-8. Must not close the stream (it may be stdout). */
public interface ReportWriter {
    void write(CheckReport report, OutputStream out) throws IOException;
}
