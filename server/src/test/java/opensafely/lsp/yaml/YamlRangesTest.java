package opensafely.lsp.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;

/**
 * Node ranges in LSP terms (zero-based line, UTF-16 character) whatever the line breaks and characters: the
 * loader takes them from the parser's marks directly when the text is all in the BMP, and through the line
 * index otherwise, and both must land on the same token.
 */
class YamlRangesTest {
    private static Range keyRange(String text, String key) {
        YamlMapping root = (YamlMapping) new YamlLoader().load(text).root().orElseThrow();
        YamlMapping actions = (YamlMapping) root.entries().stream().filter(e -> e.keyText().equals("actions")).findFirst()
                .orElseThrow().value();
        return actions.entries().stream().filter(e -> e.keyText().equals(key)).findFirst().orElseThrow().key().range();
    }

    @Test
    void rangesAreTheSameForEveryKindOfLineBreak() {
        for (String nl : List.of("\n", "\r\n", "\r")) {
            String text = String.join(nl, "version: '5.0'", "# café, 中文", "actions:", "  first: {run: 'x'}", "  sécond:", "    run: y", "");
            assertEquals(Range.of(3, 2, 3, 7), keyRange(text, "first"), "line break " + nl.replace("\r", "CR").replace("\n", "LF"));
            assertEquals(Range.of(4, 2, 4, 8), keyRange(text, "sécond"));
        }
    }

    @Test
    void charactersOutsideTheBmpCountTwiceAsLspWants() {
        String text = "version: '5.0'\nactions:\n  '😀x': {run: a}\n  after: {run: b}\n";
        assertEquals(Range.of(2, 2, 2, 7), keyRange(text, "😀x"));
        assertEquals(Range.of(3, 2, 3, 7), keyRange(text, "after"));
    }

    @Test
    void aBlockScalarEndsOnItsText() {
        String text = "actions:\n  a:\n    run: >\n      python:v2 python x.py\n\n  b: {run: c}\n";
        YamlMapping root = (YamlMapping) new YamlLoader().load(text).root().orElseThrow();
        YamlMapping a = (YamlMapping) ((YamlMapping) root.entries().get(0).value()).entries().get(0).value();
        assertEquals(Range.of(2, 9, 3, 27), a.entries().get(0).value().range());
    }
}
