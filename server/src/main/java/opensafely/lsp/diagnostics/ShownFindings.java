package opensafely.lsp.diagnostics;

import java.util.ArrayList;
import java.util.List;

/**
 * How many of one file's findings are shown, and how long a message may be: one limit for the reports of
 * `check` and for what the language server publishes. Nobody reads past the first thousand findings of a
 * file, and a pathological one (thousands of generated actions, each wrong) would otherwise make a report
 * or a protocol message of many megabytes.
 */
public final class ShownFindings {
    /** At most this many findings of one file are shown. */
    public static final int MAX_SHOWN = 1000;
    /** A message longer than this is cut (with "…"): a readable message is a few lines at most. */
    public static final int MAX_MESSAGE_CHARS = 2000;

    private ShownFindings() {
    }

    /** The first {@link #MAX_SHOWN} findings, each message at most {@link #MAX_MESSAGE_CHARS}. */
    public static List<Diagnostic> of(List<Diagnostic> all) {
        if (all.size() <= MAX_SHOWN && shortened(all) == 0) return all;
        List<Diagnostic> out = new ArrayList<>(Math.min(all.size(), MAX_SHOWN));
        for (Diagnostic d : all.subList(0, Math.min(all.size(), MAX_SHOWN))) {
            out.add(d.message().length() <= MAX_MESSAGE_CHARS ? d
                    : new Diagnostic(d.range(), d.severity(), d.rule(), cut(d.message()), d.related(), d.fixes()));
        }
        return out;
    }

    /** How many findings {@link #of} leaves out. */
    public static int omitted(List<Diagnostic> all) {
        return Math.max(0, all.size() - MAX_SHOWN);
    }

    /** How many of the shown findings have a shortened message. */
    public static int shortened(List<Diagnostic> all) {
        int n = 0;
        for (int i = 0; i < Math.min(all.size(), MAX_SHOWN); i++) {
            if (all.get(i).message().length() > MAX_MESSAGE_CHARS) n++;
        }
        return n;
    }

    private static String cut(String message) {
        int end = MAX_MESSAGE_CHARS - 1;
        if (Character.isHighSurrogate(message.charAt(end - 1))) end--; // never split a character
        return message.substring(0, end) + "…";
    }
}
