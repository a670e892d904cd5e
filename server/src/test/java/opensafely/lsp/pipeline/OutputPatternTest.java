package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OutputPatternTest {
    @Test
    void aStarMatchesAnyRunOfCharactersWithinOneFolder() {
        assertTrue(new OutputPattern("output/*.csv").matches("output/table.csv"));
        assertTrue(new OutputPattern("output/*.csv").matches("output/.csv"));
        assertTrue(new OutputPattern("output/model_*_*.csv").matches("output/model_a_b_c.csv"));
        assertTrue(new OutputPattern("output/*/figure.png").matches("output/sub/figure.png"));
        assertFalse(new OutputPattern("output/*.csv").matches("output/sub/table.csv"));
        assertFalse(new OutputPattern("output/*.csv").matches("output/table.csv.gz"));
        assertFalse(new OutputPattern("output/a.csv").matches("output/b.csv"));
        assertFalse(new OutputPattern("output/*").matches("output"));
        assertTrue(new OutputPattern("output/a.b+c(d).csv").matches("output/a.b+c(d).csv"), "regex characters are literal");
    }

    /** The hand-made matcher against the regex job-runner's rule translates to, on random patterns and paths. */
    @Test
    void agreesWithTheRegexOnRandomPatternsAndPaths() {
        Random random = new Random(15);
        String alphabet = "ab/*.";
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomWord(random, alphabet, 8);
            String path = randomWord(random, "ab/.", 9);
            assertEquals(regex(pattern).matcher(path).matches(), new OutputPattern(pattern).matches(path), pattern + " ~ " + path);
        }
    }

    private static String randomWord(Random random, String alphabet, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.toString();
    }

    private static Pattern regex(String pattern) {
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
            sb.append(Pattern.quote(pattern.substring(from, star))).append("[^/]*");
            from = star + 1;
        }
        return Pattern.compile(sb.append(Pattern.quote(pattern.substring(from))).toString());
    }
}
