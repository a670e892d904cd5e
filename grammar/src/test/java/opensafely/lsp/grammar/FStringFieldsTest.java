package opensafely.lsp.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class FStringFieldsTest {

    private static List<String> expressions(String token) {
        return FStringFields.of(token).stream().map(FStringFields.Field::expression).toList();
    }

    @Test
    void fieldsWithConversionsSpecsAndNestedFields() {
        String token = "f\"{name!r:>{width}} {value:.2f} {{literal}} {d['k']}\"";
        assertEquals(List.of("name", "width", "value", "d['k']"), expressions(token));
        FStringFields.Field name = FStringFields.of(token).get(0);
        assertEquals(3, name.offset());
        assertEquals("name", token.substring(name.offset(), name.offset() + 4));
    }

    @Test
    void selfDocumentingAndComparisonsInsideFields() {
        assertEquals(List.of("x", "a == b", "c != d", "e if f else g"),
            expressions("F'{x=} {a == b} {c != d!s} {e if f else g}'"));
    }

    @Test
    void tripleQuotedRawAndPrefixCombinations() {
        assertEquals(List.of("first", "second"), expressions("rf\"\"\"\n{first}\n{second:%Y}\n\"\"\""));
        assertEquals(List.of("a"), expressions("Fr'{a}\\d'"));
        assertEquals(List.of(" {'k': 1}['k'] "), expressions("f\"{ {'k': 1}['k'] }\""));
    }

    @Test
    void nonFStringsHaveNoFields() {
        assertFalse(FStringFields.isFString("'{a}'"));
        assertFalse(FStringFields.isFString("rb'{a}'"));
        assertTrue(FStringFields.isFString("fR'{a}'"));
        assertEquals(List.of(), expressions("r'{a}'"));
    }

    @Test
    void fieldExpressionsParseAsPython() {
        for (FStringFields.Field field : FStringFields.of("f\"{patients.age_as_of(x)} {d['k'] + 1} {a if b else c}\"")) {
            assertEquals(List.of(), PythonSource.parseExpression(field.expression()).errors(), field.expression());
        }
        assertFalse(PythonSource.parseExpression("a +").errors().isEmpty());
    }

    @Test
    void unterminatedFieldStopsAtEndOfToken() {
        assertEquals(List.of("abc"), expressions("f'{abc"));
    }
}
