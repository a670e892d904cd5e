package opensafely.lsp.cli.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.TextEdit;

/**
 * `check --format json`: the shape CONTRACT.md fixes (`tool`, `version`, `files`, `diagnostics` with
 * `file`, `range`, `severity`, `code`, `message`, `source`), in that field order. Positions are zero-based
 * UTF-16, exactly as the language server publishes them.
 *
 * <p>Two compatible extensions appear only when a diagnostic has them: `relatedInformation` (other places
 * in the same file, each with `file`, `range`, `message`) and `fixes` (each a `title` and `edits` of
 * `range` + `newText`, the editor's quick fixes).
 */
public final class JsonReport implements ReportWriter {
    public static final String TOOL = "opensafely-lsp";

    @Override
    public void write(CheckReport report, OutputStream out) throws IOException {
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeStringField("tool", TOOL);
        g.writeStringField("version", report.version());
        g.writeArrayFieldStart("files");
        for (FileReport f : report.files()) {
            g.writeString(f.path());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("diagnostics");
        for (FileReport f : report.files()) {
            for (Diagnostic d : f.shown()) {
                diagnostic(g, f.path(), d);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        Json.finish(g);
    }

    private static void diagnostic(JsonGenerator g, String file, Diagnostic d) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", file);
        Json.range(g, "range", d.range());
        g.writeStringField("severity", d.severity().label());
        g.writeStringField("code", d.code());
        g.writeStringField("message", d.message());
        g.writeStringField("source", TOOL);
        if (!d.related().isEmpty()) {
            g.writeArrayFieldStart("relatedInformation");
            for (Diagnostic.Related r : d.related()) {
                g.writeStartObject();
                g.writeStringField("file", file);
                Json.range(g, "range", r.range());
                g.writeStringField("message", r.message());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        // Edits only: a fix that runs an editor command (download the codelists) means nothing in a report.
        List<Fix> edits = d.fixes().stream().filter(f -> !f.edits().isEmpty()).toList();
        if (!edits.isEmpty()) {
            g.writeArrayFieldStart("fixes");
            for (Fix fix : edits) {
                g.writeStartObject();
                g.writeStringField("title", fix.title());
                g.writeArrayFieldStart("edits");
                for (TextEdit e : fix.edits()) {
                    g.writeStartObject();
                    Json.range(g, "range", e.range());
                    g.writeStringField("newText", e.newText());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
