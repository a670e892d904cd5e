package opensafely.lsp.study;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the cursor is, lexically: inside which brackets (and the calls they belong to), inside a string or
 * not, and which keyword argument. Computed by a forward scan of the text before the cursor, so it works on
 * half-typed code the parser cannot make sense of.
 */
final class CursorContext {
    /** An open bracket: its character, the dotted name before it (for calls), and where the current argument starts. */
    record Frame(char bracket, String callee, int open, int argStart) {
    }

    private static final Pattern KEYWORD = Pattern.compile("^\\s*([A-Za-z_]\\w*)\\s*=(?!=)");

    final List<Frame> frames;
    /** Offset of the opening quote of the string the cursor is in, or -1. */
    final int stringStart;
    /** Offset of the first character of that string's content. */
    final int stringContentStart;
    private final String text;
    private final int offset;

    private CursorContext(String text, int offset, List<Frame> frames, int stringStart, int contentStart) {
        this.text = text;
        this.offset = offset;
        this.frames = frames;
        this.stringStart = stringStart;
        this.stringContentStart = contentStart;
    }

    static CursorContext at(String text, int offset) {
        Deque<Frame> stack = new ArrayDeque<>();
        int i = 0;
        int stringStart = -1, contentStart = -1;
        while (i < offset) {
            char c = text.charAt(i);
            if (c == '#') {
                int nl = text.indexOf('\n', i);
                if (nl < 0 || nl >= offset) {
                    i = offset;
                    break;
                }
                i = nl + 1;
            } else if (c == '"' || c == '\'') {
                int start = i;
                while (start > 0 && Character.isLetter(text.charAt(start - 1)) && start > i - 3) start--;
                String q = text.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int j = i + q.length();
                int end = -1;
                while (j < text.length()) {
                    char d = text.charAt(j);
                    if (d == '\\') {
                        j += 2;
                        continue;
                    }
                    if (q.length() == 1 && d == '\n') break;
                    if (text.startsWith(q, j)) {
                        end = j + q.length();
                        break;
                    }
                    j++;
                }
                if (end < 0 || end > offset) {
                    if (end < 0 && q.length() == 1 && j < offset) {
                        i = j;
                        continue;
                    }
                    // The cursor is inside this string (or at its closing quote).
                    if (end < 0 || offset < end) {
                        stringStart = start;
                        contentStart = i + q.length();
                        break;
                    }
                }
                i = end;
            } else if (c == '(' || c == '[' || c == '{') {
                stack.push(new Frame(c, c == '(' ? calleeBefore(text, i) : null, i, i + 1));
                i++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (!stack.isEmpty()) stack.pop();
                i++;
            } else if (c == ',' || c == ':' && !stack.isEmpty() && stack.peek().bracket() == '{') {
                if (!stack.isEmpty()) {
                    Frame f = stack.pop();
                    stack.push(new Frame(f.bracket(), f.callee(), f.open(), i + 1));
                }
                i++;
            } else {
                i++;
            }
        }
        return new CursorContext(text, offset, new ArrayList<>(stack), stringStart, contentStart);
    }

    private static String calleeBefore(String text, int paren) {
        int e = paren;
        while (e > 0 && text.charAt(e - 1) == ' ') e--;
        int s = e;
        while (s > 0 && (Character.isLetterOrDigit(text.charAt(s - 1)) || text.charAt(s - 1) == '_' || text.charAt(s - 1) == '.')) s--;
        return text.substring(s, e);
    }

    boolean inString() {
        return stringStart >= 0;
    }

    /** The innermost bracket, or null. */
    Frame innermost() {
        return frames.isEmpty() ? null : frames.get(0);
    }

    /** The innermost call frame whose callee is patients.X, with how many brackets lie inside it. */
    Frame patientsCall() {
        for (Frame f : frames) if (f.bracket() == '(' && f.callee() != null && f.callee().startsWith("patients.")) return f;
        return null;
    }

    int depthInside(Frame target) {
        int d = 0;
        for (Frame f : frames) {
            if (f == target) return d;
            d++;
        }
        return -1;
    }

    /** The keyword of the argument the cursor is in, within frame f (null for a positional one). */
    String keyword(Frame f) {
        String arg = text.substring(f.argStart(), Math.min(offset, text.length()));
        Matcher m = KEYWORD.matcher(arg);
        return m.find() ? m.group(1) : null;
    }

    /** The text of the current argument of frame f up to the cursor. */
    String argumentText(Frame f) {
        return text.substring(f.argStart(), Math.min(offset, text.length()));
    }

    /** The content of the current string up to the cursor. */
    String stringSoFar() {
        return inString() ? text.substring(Math.min(stringContentStart, offset), offset) : "";
    }
}
