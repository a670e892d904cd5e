package opensafely.lsp.workspace;

/**
 * A piece of a study file's content quoted in a message: short, and with every control, format (bidi) and
 * unpaired surrogate character written as an escape, so a message cannot carry a file's content into a CI
 * report, nor reorder or hide the text around it in a terminal or an editor.
 */
public final class Excerpt {
    /** The longest excerpt, in characters before escaping. */
    public static final int MAX = 60;

    private Excerpt() {
    }

    /** {@code text} cut to {@link #MAX} characters (with "…" when cut) and escaped. */
    public static String of(String text) {
        return of(text, MAX);
    }

    public static String of(String text, int max) {
        if (text == null) return "";
        boolean cut = text.length() > max;
        String head = cut ? text.substring(0, Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max) : text;
        StringBuilder b = new StringBuilder(head.length() + 8);
        for (int i = 0; i < head.length(); ) {
            int cp = head.codePointAt(i);
            i += Character.charCount(cp);
            if (unsafe(cp)) b.append(cp <= 0xFFFF ? String.format("\\u%04X", cp) : String.format("\\U%08X", cp));
            else b.appendCodePoint(cp);
        }
        if (cut) b.append('…');
        return b.toString();
    }

    /** Whether a code point would be invisible or move text around: controls, bidi and other format characters, lone surrogates. */
    public static boolean unsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE;
    }
}
