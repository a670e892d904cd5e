package opensafely.lsp.lsp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.text.LineIndex;

/**
 * Keeps a completion answer small enough to send quickly. On a 2,500-action project an action name in
 * {@code needs} has ~2,500 candidates, about 330 KB of JSON for every keystroke; the encoding and the pipe
 * then cost more than finding them. Beyond {@link #MAX_ITEMS}, only the candidates that match what is typed
 * (its letters in order, as editors match) are sent, the best-sorted first, and the list is marked incomplete
 * so that the editor asks again as the user types on.
 */
final class CompletionBudget {
    /**
     * An editor shows about a dozen; the rest only cost encoding and decoding (measured: the p95 of a needs
     * completion on the 1,211-action project fell from 23 to 17.5 ms going from 200 to 100). clangd's
     * default limit is 100 too.
     */
    static final int MAX_ITEMS = 100;

    record Limited(List<Completion> items, boolean incomplete) {
    }

    private CompletionBudget() {
    }

    static Limited limit(List<Completion> found, LineIndex lines) {
        if (found.size() <= MAX_ITEMS) return new Limited(found, false);
        List<Completion> matching = new ArrayList<>();
        for (Completion c : found) {
            if (c.replace() == null || matches(c.label(), typed(c, lines))) matching.add(c);
        }
        if (matching.size() <= MAX_ITEMS) return new Limited(matching, false);
        matching.sort(Comparator.comparing((Completion c) -> c.sortText() == null ? c.label() : c.sortText()));
        return new Limited(List.copyOf(matching.subList(0, MAX_ITEMS)), true);
    }

    /** The text the item would replace: what the user has typed of the word so far. */
    private static String typed(Completion c, LineIndex lines) {
        int start = lines.offset(c.replace().start());
        int end = lines.offset(c.replace().end());
        return end > start ? lines.text().substring(start, end) : "";
    }

    /** Whether every character of {@code typed} occurs in {@code label} in order, ignoring case. */
    static boolean matches(String label, String typed) {
        String l = label.toLowerCase(Locale.ROOT);
        String t = typed.toLowerCase(Locale.ROOT);
        int i = 0;
        for (int j = 0; j < l.length() && i < t.length(); j++) {
            if (l.charAt(j) == t.charAt(i)) i++;
        }
        return i == t.length();
    }
}
