package opensafely.lsp.cli.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.IOException;
import java.io.OutputStream;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * Jackson's streaming generator, set up the same way for the JSON and SARIF reports. The streaming API
 * (not ObjectMapper) keeps start-up cheap and writes fields in exactly the order the code writes them.
 */
final class Json {
    private Json() {
    }

    /** A generator writing indented UTF-8 JSON ({@code "key": value}, two spaces) that leaves {@code out} open. */
    static JsonGenerator generator(OutputStream out) throws IOException {
        JsonFactory factory = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
        JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8);
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(separators);
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        pretty.indentObjectsWith(indenter);
        pretty.indentArraysWith(indenter);
        g.setPrettyPrinter(pretty);
        return g;
    }

    /** Ends the document with a newline, as text files should. */
    static void finish(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        g.close();
    }

    /**
     * An LSP range (zero-based lines, characters in UTF-16 code units), written on one line as in
     * CONTRACT.md's example: ranges are numerous and read best compact.
     */
    static void range(JsonGenerator g, String field, Range r) throws IOException {
        g.writeFieldName(field);
        g.writeRawValue("{\"start\": " + position(r.start()) + ", \"end\": " + position(r.end()) + "}");
    }

    private static String position(Position p) {
        return "{\"line\": " + p.line() + ", \"character\": " + p.character() + "}";
    }
}
