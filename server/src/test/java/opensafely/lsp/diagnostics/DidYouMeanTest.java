package opensafely.lsp.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The suggestion is the first of the closest candidates, whichever way it is computed: the bounded search
 * must give exactly what measuring every candidate in full gives.
 */
class DidYouMeanTest {

    @Test
    void firstOfEquallyCloseCandidatesWins() {
        assertEquals(Optional.of("bat"), DidYouMean.closest("cat", List.of("bat", "cot")));
        assertEquals(Optional.of("cot"), DidYouMean.closest("cat", List.of("cot", "bat")));
        assertEquals(Optional.of("generate_dataset_a"),
                DidYouMean.closest("generate_dataset_x", List.of("generate_dataset_a", "generate_dataset_b")));
    }

    @Test
    void closerLaterCandidateBeatsEarlierOne() {
        assertEquals(Optional.of("abcdefgh"), DidYouMean.closest("abcdefghi", List.of("abcdefg", "abcdefgh", "abcdefghij")));
        assertEquals(Optional.of("Foo"), DidYouMean.closest("foo", List.of("fob", "Foo", "fooo")));
    }

    @Test
    void theWordItselfIsNoSuggestion() {
        assertEquals(Optional.empty(), DidYouMean.closest("run", List.of("run")));
        assertEquals(Optional.of("runs"), DidYouMean.closest("run", List.of("run", "runs")));
    }

    @Test
    void allowedDistanceGrowsWithTheWord() {
        assertEquals(Optional.of("ab"), DidYouMean.closest("abc", List.of("ab")));
        assertEquals(Optional.empty(), DidYouMean.closest("abcde", List.of("ab")));
        assertEquals(Optional.empty(), DidYouMean.closest("abcdefghi", List.of("abcdefghi_zzzz", "abcdefghi_zzz")));
        assertEquals(Optional.of("abcdefghi_zz"), DidYouMean.closest("abcdefghi", List.of("abcdefghi_zzz", "abcdefghi_zz")));
        assertEquals(Optional.of("bacd"), DidYouMean.closest("abcd", List.of("bacd")), "a swap is one edit");
    }

    @Test
    void boundedDistanceIsExactUpToTheBound() {
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            String a = word(random, 1 + random.nextInt(9));
            String b = random.nextInt(4) == 0 ? mutate(random, a) : word(random, random.nextInt(10));
            int bound = random.nextInt(4);
            int expected = Math.min(DidYouMean.distance(a, b), bound + 1);
            assertEquals(expected, new BoundedDistance(a, bound).to(b, bound), a + " / " + b + " within " + bound);
        }
    }

    @Test
    void sameSuggestionAsMeasuringEveryCandidate() {
        Random random = new Random(11);
        for (int n = 0; n < 3_000; n++) {
            String w = word(random, 1 + random.nextInt(12));
            List<String> candidates = new ArrayList<>();
            for (int i = random.nextInt(30); i > 0; i--) {
                candidates.add(random.nextBoolean() ? mutate(random, w) : word(random, random.nextInt(14)));
            }
            if (random.nextInt(10) == 0) candidates.add(random.nextInt(candidates.size() + 1), w.toUpperCase(Locale.ROOT));
            assertEquals(measuringEveryCandidate(w, candidates), DidYouMean.closest(w, candidates), w + " among " + candidates);
        }
    }

    /** The original search: every candidate measured in full, the first strictly closer one kept. */
    private static Optional<String> measuringEveryCandidate(String word, List<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, Math.min(3, w.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals(word)) continue;
            int d = DidYouMean.distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** Words over a small alphabet, so that near misses, swaps and ties are common. */
    private static String word(Random random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) c[i] = "abcAB_".charAt(random.nextInt(6));
        return new String(c);
    }

    private static String mutate(Random random, String s) {
        StringBuilder b = new StringBuilder(s);
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = b.length() == 0 ? 0 : random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.insert(at, "abc".charAt(random.nextInt(3)));
                case 1 -> { if (b.length() > 0) b.deleteCharAt(at); }
                case 2 -> { if (b.length() > 0) b.setCharAt(at, "abc".charAt(random.nextInt(3))); }
                default -> {
                    if (at + 1 < b.length()) {
                        char t = b.charAt(at);
                        b.setCharAt(at, b.charAt(at + 1));
                        b.setCharAt(at + 1, t);
                    }
                }
            }
        }
        return b.toString();
    }
}
