package opensafely.lsp.cli.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;

/**
 * `check --format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (upload with
 * {@code github/codeql-action/upload-sarif}).
 *
 * <p>One run. The driver lists every {@link Rule}, in enum order, so a result's {@code ruleIndex} is its
 * rule's ordinal and the rule list does not change with what was found. Regions are 1-based with an
 * exclusive {@code endColumn}, columns in UTF-16 code units ({@code columnKind} says so). File URIs are
 * relative to the working directory (normally the repository root) against the base id
 * {@code %SRCROOT%}; a file outside it gets an absolute {@code file:} URI.
 *
 * <p>{@code partialFingerprints.primaryLocationLineHash} is a hash of the rule id and the trimmed text of
 * the finding's first line, then {@code :n} for the n-th such finding in the file. It ignores line numbers,
 * so an alert survives edits above it, and it is computed here because GitHub's REST upload does not fill
 * it in (without it, every run duplicates the alerts).
 */
public final class SarifReport implements ReportWriter {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    /** Where people learn about what the tool checks. */
    static final String INFORMATION_URI = "https://docs.opensafely.org/";
    static final String SOURCE_ROOT = "%SRCROOT%";

    @Override
    public void write(CheckReport report, OutputStream out) throws IOException {
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeStringField("$schema", SCHEMA);
        g.writeStringField("version", "2.1.0");
        g.writeArrayFieldStart("runs");
        g.writeStartObject();
        driver(g, report.version());
        g.writeArrayFieldStart("invocations");
        g.writeStartObject();
        g.writeBooleanField("executionSuccessful", true);
        g.writeObjectFieldStart("workingDirectory");
        g.writeStringField("uri", directoryUri(report.workingDirectory()));
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectFieldStart("originalUriBaseIds");
        g.writeObjectFieldStart(SOURCE_ROOT);
        g.writeStringField("uri", directoryUri(report.workingDirectory()));
        g.writeEndObject();
        g.writeEndObject();
        g.writeStringField("columnKind", "utf16CodeUnits");
        g.writeArrayFieldStart("results");
        for (FileReport f : report.files()) {
            results(g, f);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        Json.finish(g);
    }

    private static void driver(JsonGenerator g, String version) throws IOException {
        g.writeObjectFieldStart("tool");
        g.writeObjectFieldStart("driver");
        g.writeStringField("name", JsonReport.TOOL);
        g.writeStringField("version", version);
        g.writeStringField("semanticVersion", version);
        g.writeStringField("informationUri", INFORMATION_URI);
        g.writeArrayFieldStart("rules");
        for (Rule rule : Rule.values()) {
            g.writeStartObject();
            g.writeStringField("id", rule.id());
            g.writeStringField("name", ruleName(rule));
            text(g, "shortDescription", rule.title());
            text(g, "fullDescription", rule.help());
            text(g, "help", rule.help() + " See docs/rules.md#" + rule.id() + " for an example.");
            g.writeObjectFieldStart("defaultConfiguration");
            g.writeStringField("level", level(rule.defaultSeverity()));
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void results(JsonGenerator g, FileReport f) throws IOException {
        if (f.diagnostics().isEmpty()) return;
        LineIndex lines = f.lines();
        Map<String, Integer> occurrences = new HashMap<>();
        for (Diagnostic d : f.shown()) {
            g.writeStartObject();
            g.writeStringField("ruleId", d.code());
            g.writeNumberField("ruleIndex", d.rule().ordinal());
            g.writeStringField("level", level(d.severity()));
            text(g, "message", d.message());
            g.writeArrayFieldStart("locations");
            g.writeStartObject();
            physicalLocation(g, f, d.range());
            g.writeEndObject();
            g.writeEndArray();
            // An output is reported without its text (it is streamed, not kept): its lines hash as empty.
            int line = d.range().start().line();
            String hash = lineHash(d.rule(), line < lines.lineCount() ? lines.lineText(line) : "");
            int n = occurrences.merge(hash, 1, Integer::sum);
            g.writeObjectFieldStart("partialFingerprints");
            g.writeStringField("primaryLocationLineHash", hash + ":" + n);
            g.writeEndObject();
            if (!d.related().isEmpty()) {
                g.writeArrayFieldStart("relatedLocations");
                int id = 1;
                for (Diagnostic.Related r : d.related()) {
                    g.writeStartObject();
                    g.writeNumberField("id", id++);
                    physicalLocation(g, f, r.range());
                    text(g, "message", r.message());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }

    private static void physicalLocation(JsonGenerator g, FileReport f, Range r) throws IOException {
        g.writeObjectFieldStart("physicalLocation");
        g.writeObjectFieldStart("artifactLocation");
        if (Path.of(f.path()).isAbsolute()) {
            g.writeStringField("uri", f.absolutePath().toAbsolutePath().normalize().toUri().toString());
        } else {
            g.writeStringField("uri", relativeUri(f.path()));
            g.writeStringField("uriBaseId", SOURCE_ROOT);
        }
        g.writeEndObject();
        // Numbers only, so raw JSON is safe; one line per region keeps large reports readable.
        g.writeFieldName("region");
        g.writeRawValue("{\"startLine\": " + (r.start().line() + 1) + ", \"startColumn\": " + (r.start().character() + 1)
                + ", \"endLine\": " + (r.end().line() + 1) + ", \"endColumn\": " + (r.end().character() + 1) + "}");
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String field, String text) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("text", text);
        g.writeEndObject();
    }

    /** SARIF levels: there is no "hint", and GitHub shows "note" for both information and hints. */
    static String level(Severity s) {
        return switch (s) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFORMATION, HINT -> "note";
        };
    }

    /** The rule's non-localised name in SARIF's style: YAML_DUPLICATE_KEY becomes YamlDuplicateKey. */
    static String ruleName(Rule rule) {
        StringBuilder s = new StringBuilder();
        for (String word : rule.name().split("_")) {
            s.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }

    /**
     * 64-bit FNV-1a over the UTF-8 of rule id, NUL, trimmed line, as 16 hex digits. Not cryptographic (it
     * need not be) and needs no security provider, which would cost start-up time.
     */
    static String lineHash(Rule rule, String lineText) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (rule.id() + "\0" + lineText.trim()).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return String.format(Locale.ROOT, "%016x", h);
    }

    /** A relative URI reference for a relative path: each segment percent-encoded, slashes kept. */
    static String relativeUri(String path) {
        StringBuilder s = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/!$&'()*+,;=@".indexOf(c) >= 0) {
                s.append((char) c);
            } else {
                s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return s.toString();
    }

    private static String directoryUri(Path dir) {
        String uri = dir.toAbsolutePath().normalize().toUri().toString();
        return uri.endsWith("/") ? uri : uri + "/";
    }
}
