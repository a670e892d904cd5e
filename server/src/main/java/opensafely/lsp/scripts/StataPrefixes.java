package opensafely.lsp.scripts;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import opensafely.lsp.scripts.StataCommands.Word;

/** Prefixes before a Stata command: {@code capture}, {@code quietly}, {@code by sex:}, {@code eststo:}... */
final class StataPrefixes {
    private static final Set<String> PLAIN = Set.of("capture", "cap", "capt", "captu", "captur", "quietly", "qui",
            "quie", "quiet", "quietl", "noisily", "noi", "nois", "noisi", "noisil", "estpost");
    private static final Set<String> COLON = Set.of("by", "bys", "byso", "bysor", "bysort", "xi", "svy", "eststo",
            "est", "mi", "nestreg", "stepwise", "bootstrap", "statsby", "permute", "jackknife", "simulate", "rolling",
            "frame", "version", "fvset", "sw", "fracpoly", "mfp");

    private StataPrefixes() {}

    /** The command without its prefixes; the variables of a {@code by} prefix are given to {@code data}. */
    static List<Word> strip(List<Word> w, StataColumns data) {
        int i = 0;
        while (i < w.size()) {
            String head = w.get(i).text().toLowerCase(Locale.ROOT);
            if (PLAIN.contains(head)) {
                i++;
                continue;
            }
            String bare = head.endsWith(":") ? head.substring(0, head.length() - 1) : head;
            if (COLON.contains(bare)) {
                int colon = -1;
                for (int k = i; k < w.size(); k++) {
                    String t = w.get(k).text();
                    if (t.equals(",")) continue;
                    if (t.endsWith(":") && !t.startsWith("\"")) {
                        colon = k;
                        break;
                    }
                }
                if (colon < 0) break;
                if (bare.startsWith("by")) data.byPrefix(w.subList(i + 1, colon + 1));
                i = colon + 1;
                continue;
            }
            break;
        }
        return w.subList(i, w.size());
    }

    /** Whether the command starts with {@code capture} (any abbreviation down to {@code cap}), before other prefixes too. */
    static boolean captured(List<Word> w) {
        for (Word word : w) {
            String head = word.text().toLowerCase(Locale.ROOT);
            if (head.startsWith("cap") && "capture".startsWith(head)) return true;
            if (!PLAIN.contains(head)) return false;
        }
        return false;
    }
}
