package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The checks written out by hand, to keep regular expressions off the per-action path, agree with them. */
class HandWrittenMatchersTest {
    private static final Pattern USUAL_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    @Test
    void usualActionNames() {
        Random random = new Random(5);
        for (int n = 0; n < 50_000; n++) {
            String name = text(random, "aZ09_.-  é/:", 6);
            assertEquals(USUAL_NAME.matcher(name).matches(), ActionShapeRules.usualName(name), name);
        }
    }

    @Test
    void imageTags() {
        Random random = new Random(9);
        for (int n = 0; n < 50_000; n++) {
            String tag = random.nextInt(5) == 0 ? "latest" : text(random, "v1.2-pre٣xd", 7);
            assertEquals(RunCommandRules.TAG.matcher(tag).matches(), RunCommandRules.validTag(tag), tag);
        }
    }

    private static String text(Random random, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return b.toString();
    }
}
