package opensafely.lsp;

import java.util.List;
import java.util.Random;

/**
 * Random edits of real files for the fuzz tests: the tokens that matter to YAML and Python, characters
 * that trouble text handling (NUL, lone surrogates, CR, astral), spans deleted, duplicated and swapped,
 * and now and then plain garbage. Deterministic for a given {@link Random}.
 */
public final class Mutator {
    private static final List<String> TOKENS = List.of(
            ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a", "<<", "!!str ", "!custom ", "|", ">", "#", "'",
            "\"", "\n", "\n  ", "\t", "  ", "\\", "%YAML 1.2\n", "---\n", "...\n", "?", "(", ")", "=", "+", " + ", ".", "**",
            "lambda x: ", "def f(", "import ", "from . import x\n", "patients.", "dataset.", "codelist_from_csv(", "needs: [",
            "run: ", "outputs:", "actions:", "version: ", "\u00e9", "\u4e2d", "\uD83D\uDE00", "\u0000", "\uD800", "\r", "\r\n",
            "\u2028", "\uFEFF", "0x", "1e999", "99999999999999999999", "None", "True", "\"\"\"", "'''", "@");

    private final Random random;

    public Mutator(Random random) {
        this.random = random;
    }

    public Random random() {
        return random;
    }

    /** A few random mutations of the text. */
    public String mutate(String text) {
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) text = once(text);
        return text;
    }

    /** A token or a short run of random characters, as a user (or a broken tool) might type or paste. */
    public String insertion() {
        return random.nextInt(5) == 0 ? garbage(1 + random.nextInt(20)) : TOKENS.get(random.nextInt(TOKENS.size()));
    }

    /** Random UTF-16 units, some of them outside the BMP or unpaired. */
    public String garbage(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(4)) {
                case 0 -> b.append((char) random.nextInt(0x80));
                case 1 -> b.append((char) random.nextInt(0x10000));
                case 2 -> b.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> b.append(" :-[]{}#'\"\n".charAt(random.nextInt(11)));
            }
        }
        return b.toString();
    }

    private String once(String text) {
        int len = text.length();
        int a = len == 0 ? 0 : random.nextInt(len + 1);
        int b = Math.min(len, a + random.nextInt(60));
        return switch (random.nextInt(8)) {
            case 0 -> text.substring(0, a) + text.substring(b); // delete a span
            case 1, 2 -> text.substring(0, a) + insertion() + text.substring(a); // insert a token
            case 3 -> text.substring(0, a) + text.substring(a, b) + text.substring(a); // duplicate a span
            case 4 -> { // move a span elsewhere
                String span = text.substring(a, b);
                String rest = text.substring(0, a) + text.substring(b);
                int at = random.nextInt(rest.length() + 1);
                yield rest.substring(0, at) + span + rest.substring(at);
            }
            case 5 -> text.substring(0, a) + garbage(b - a + 1) + text.substring(b); // overwrite with garbage
            case 6 -> random.nextInt(4) == 0 ? text.substring(0, a) : text; // truncate, now and then
            default -> switch (random.nextInt(20)) {
                case 0 -> garbage(random.nextInt(2000)); // nothing of the file left
                case 1 -> text.replace("\n", random.nextBoolean() ? "\r\n" : "\r"); // other line breaks
                default -> text.substring(0, a) + "\n" + text.substring(a); // split a line
            };
        };
    }
}
