package opensafely.lsp.scripts;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.scripts.StataCommands.Word;

/**
 * Follows the data in memory after a do-file loads a file, to the variables its commands name. Conservative: only a
 * whole identifier in a place that surely holds a variable name, written literally (not through a macro), counts;
 * names the script makes ({@code generate}, {@code rename}, {@code gen()} options) are not columns of the file; and
 * once the data change in ways not followed ({@code merge}, {@code reshape}, {@code collapse}, a command the reader
 * does not know) nothing more is said until the next load. Stata accepts abbreviated names, so a column here may be a
 * prefix of the file's column.
 */
final class StataColumns {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    /** Factor-variable and time-series operators before a name: {@code i.}, {@code ib2.}, {@code c.}, {@code L2.}. */
    private static final Pattern OPERATOR = Pattern.compile("(?i)(?:(?:ib?n?|c|o|b|l|f|d|s)\\d*|\\d+)\\.");
    private static final Pattern STORAGE_TYPE = Pattern.compile("(?i)byte|int|long|float|double|str\\d*|strL");
    /** Commands whose arguments, up to if/in/using/options, are variable names. */
    private static final Set<String> VARLIST = Set.of("tab", "ta", "tabu", "tabul", "tabula", "tabulat", "tabulate",
            "tab1", "tab2", "summarize", "summ", "sum", "su", "summa", "summar", "summari", "summariz", "codebook",
            "describe", "des", "desc", "list", "li", "keep", "drop", "order", "sort", "gsort", "tabstat", "misstable",
            "mdesc", "destring", "tostring", "encode", "decode", "histogram", "hist", "regress", "reg", "logit",
            "logistic", "poisson", "nbreg", "stcox", "streg", "mlogit", "ologit", "probit", "glm", "xtreg", "ttest",
            "ranksum", "kwallis", "centile", "pwcorr", "corr", "correlate", "tsset", "xtset", "table", "tabi",
            "duplicates", "stset", "scatter", "format", "label", "lab", "recode", "distinct", "unique", "inspect");
    /** Commands that change the variables only in the ways followed, or not at all. */
    private static final Set<String> NEUTRAL = Set.of("display", "di", "dis", "set", "version", "log", "cmdlog",
            "assert", "count", "estimates", "est", "eststo", "esttab", "estout", "lincom", "margins", "marginsplot",
            "test", "testparm", "putexcel", "putdocx", "putpdf", "graph", "gr", "twoway", "tw", "line", "bar",
            "local", "loc", "global", "gl", "scalar", "matrix", "mat", "file", "export", "outsheet", "save", "saveold",
            "exit", "return", "ereturn", "sreturn", "tempfile", "tempvar", "tempname", "adopath", "sysdir", "mkdir",
            "cd", "notes", "note", "timer", "compress", "levelsof", "ds", "confirm", "macro", "mac", "if", "else",
            "while", "end", "continue", "sts", "estat", "nlcom", "mkspline", "sleep", "pause", "more", "clonevar",
            "program", "capture", "erase", "rm", "ssc", "net", "ado", "which", "help", "postclose", "post", "shell",
            "collect", "forvalues", "foreach", "outreg2", "tabout", "noi", "qui", "datasignature", "cls",
            "window", "ci", "cii", "signrank", "tabodds", "mhodds", "cc", "cs", "ir", "dotplot", "kdensity",
            "gen", "generate", "g", "replace", "egen", "rename", "ren", "predict", "xtile");
    private static final Set<String> CHANGING = Set.of("collapse", "reshape", "contract", "expand", "fillin",
            "stack", "xpose", "statsby", "frame", "frames", "cwf", "keep", "drop", "clear", "use");

    private final StataScriptReader.Walk walk;
    private FileUse source;
    private Set<String> added = new HashSet<>();
    private final Set<String> scalars = new HashSet<>();
    private final Deque<Object[]> preserved = new ArrayDeque<>();

    StataColumns(StataScriptReader.Walk walk) {
        this.walk = walk;
    }

    /** The data now come from {@code use} of a file; the variables named in its varlist are columns of it. */
    void load(FileUse file, List<Word> varlist) {
        source = file;
        added = new HashSet<>();
        names(varlist);
    }

    /** The variables in memory are no longer known. */
    void unknown() {
        source = null;
    }

    void byPrefix(List<Word> words) {
        for (Word w : words) {
            String t = w.text();
            int start = w.start();
            if (t.endsWith(":")) t = t.substring(0, t.length() - 1);
            if (t.startsWith("(") && t.endsWith(")")) {
                t = t.substring(1, t.length() - 1);
                start++;
            }
            if (t.indexOf(' ') < 0) name(t, start);
        }
    }

    /** Each word of a varlist that is a plain name (after operators such as {@code i.}) is a column. */
    void names(List<Word> words) {
        for (Word w : words) {
            String t = w.text();
            if (t.equals("if") || t.equals("in") || t.equals("using") || t.equals(",") || t.startsWith("[")) return;
            if (t.startsWith("-") || t.startsWith("+")) {
                name(t.substring(1), w.start() + 1);
                continue;
            }
            if (t.indexOf('#') >= 0) {
                int at = w.start();
                for (String part : t.split("#", -1)) {
                    term(part, at);
                    at += part.length() + 1;
                }
                continue;
            }
            term(t, w.start());
        }
    }

    private void term(String t, int start) {
        var m = OPERATOR.matcher(t);
        if (m.lookingAt() && m.end() < t.length()) {
            start += m.end();
            t = t.substring(m.end());
        } else if (t.startsWith("(") || t.indexOf('.') >= 0) {
            return;
        }
        name(t, start);
    }

    /** A column, when the text is a whole plain name and the data are followed. */
    private void name(String t, int start) {
        if (source == null || walk.speculative || !NAME.matcher(t).matches() || added.contains(t)
                || scalars.contains(t)) {
            return;
        }
        walk.columns.add(new ColumnUse(source, t, walk.range(start, start + t.length())));
    }

    /** A command that reads or writes no file: the variables it names and what it does to the data. */
    void command(List<Word> w, String cmd) {
        if (cmd.equals("scalar") || cmd.equals("sca") || cmd.equals("scal") || cmd.equals("scala")) {
            // a scalar's name in an expression is not a variable
            String sub = w.size() > 1 ? w.get(1).text() : "";
            String n = sub.startsWith("def") ? (w.size() > 2 ? w.get(2).text() : "") : sub;
            scalars.add(n.contains("=") ? n.substring(0, n.indexOf('=')) : n);
            return;
        }
        if (source == null && !cmd.equals("restore") && !cmd.equals("preserve")) return;
        String sub = w.size() > 1 ? w.get(1).text() : "";
        switch (cmd) {
            case "preserve" -> preserved.push(new Object[] {source, new HashSet<>(added)});
            case "restore" -> {
                if (preserved.isEmpty()) {
                    source = null;
                } else {
                    Object[] state = preserved.pop();
                    source = (FileUse) state[0];
                    @SuppressWarnings("unchecked")
                    Set<String> was = (Set<String>) state[1];
                    added = was;
                }
            }
            case "gen", "generate", "g", "ge", "gene", "egen", "xtile", "clonevar" -> {
                int k = 1;
                if (k < w.size() && STORAGE_TYPE.matcher(w.get(k).text()).matches()) k++;
                String made = k < w.size() ? w.get(k).text() : "";
                int eq = made.indexOf('=');
                if (eq > 0) {
                    if (!cmd.equals("egen")) names(made.substring(eq + 1), w.get(k).start() + eq + 1, w, k);
                    made = made.substring(0, eq);
                }
                if (!cmd.equals("egen")) expression(w, k + 1);
                made(made);
            }
            case "replace" -> {
                String target = sub.contains("=") ? sub.substring(0, sub.indexOf('=')) : sub;
                if (w.size() > 1) name(target, w.get(1).start());
                expression(w, 2);
            }
            case "rename", "ren", "rena", "renam" -> {
                if (w.size() == 3 && !w.get(2).text().startsWith("(")) {
                    name(sub, w.get(1).start());
                    made(w.get(2).text());
                } else {
                    source = null;
                }
            }
            case "predict" -> made(STORAGE_TYPE.matcher(sub).matches() && w.size() > 2 ? w.get(2).text() : sub);
            case "keep", "drop" -> {
                if (sub.equals("if") || sub.equals("in")) expression(w, 2);
                else names(w.subList(1, w.size()));
            }
            case "label", "lab", "la" -> {
                if ((sub.startsWith("var") || sub.startsWith("val")) && w.size() > 2) names(w.subList(2, sub.startsWith("var") ? 3 : w.size() > 3 ? w.size() - 1 : 3));
            }
            case "duplicates", "misstable", "format" -> {
                if (cmd.equals("format")) names(w.subList(1, w.size()).stream().takeWhile(x -> !x.text().startsWith("%")).toList());
                else if (w.size() > 2) names(w.subList(2, w.size()));
            }
            case "recode" -> names(w.subList(1, w.size()).stream().takeWhile(x -> NAME.matcher(x.text()).matches()).toList());
            default -> {
                String base = cmd.toLowerCase(Locale.ROOT);
                if (VARLIST.contains(base)) {
                    names(w.subList(1, w.size()));
                } else if (CHANGING.contains(base) || !NEUTRAL.contains(base)) {
                    if (base.equals("collapse") || base.equals("contract")) byOption(w);
                    source = null;
                    return;
                }
            }
        }
        ifCondition(w);
        // options such as gen(newvar) and generate(newvar) make variables
        for (Word x : w) {
            String t = x.text().toLowerCase(Locale.ROOT);
            if (t.startsWith("gen(") || t.startsWith("generate(") || t.startsWith("g(")) {
                for (String n : StataScriptReader.Walk.inside(x.text()).split("\\s+")) made(n);
            }
        }
    }

    /** A variable the script makes; one named through a macro whose value is not known leaves the data unknown. */
    /** The variables of a {@code by()} option, read before the command changes the data. */
    private void byOption(List<Word> w) {
        for (Word x : w) {
            if (x.text().startsWith("by(") && x.text().endsWith(")")) {
                String inner = x.text().substring(3, x.text().length() - 1);
                int at = x.start() + 3;
                for (String part : inner.split(" ", -1)) {
                    if (!part.isEmpty()) name(part, at);
                    at += part.length() + 1;
                }
            }
        }
    }

    private void made(String name) {
        if (source == null) return;
        if (name.indexOf('`') < 0 && name.indexOf('$') < 0) {
            added.add(name);
            return;
        }
        for (String option : walk.expand(name)) {
            if (option.indexOf(PathValues.UNKNOWN) >= 0) {
                source = null;
                return;
            }
            added.add(option);
        }
    }

    /** The variables in an {@code if} condition. */
    private void ifCondition(List<Word> w) {
        for (int k = 1; k < w.size(); k++) {
            String t = w.get(k).text();
            if (t.equals(",")) return;
            if (t.equals("if")) {
                expression(w, k + 1);
                return;
            }
        }
    }

    /**
     * The names in an expression that are surely variables: not followed by {@code (} (a function), not after a
     * {@code .} or inside quotes, not starting with an underscore ({@code _n}, {@code _N}, {@code _b}).
     */
    private void expression(List<Word> w, int from) {
        for (int k = from; k < w.size(); k++) {
            Word x = w.get(k);
            String t = x.text();
            if (t.equals(",") || t.equals("in") || (k > from && t.equals("if"))) return;
            if (x.quoted() || t.indexOf('`') >= 0 || t.indexOf('$') >= 0) continue;
            names(t, x.start(), w, k);
        }
    }

    /** The variable names in one word of an expression, starting at offset {@code start}. */
    private void names(String t, int start, List<Word> w, int k) {
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '"') {
                int close = t.indexOf('"', i + 1);
                i = close < 0 ? t.length() : close + 1;
            } else if (Character.isLetter(c) && (i == 0 || !isNamePart(t.charAt(i - 1)) && t.charAt(i - 1) != '.')) {
                int j = i;
                while (j < t.length() && isNamePart(t.charAt(j))) j++;
                String n = t.substring(i, j);
                if (j < t.length() && t.charAt(j) == '(' && (n.equals("r") || n.equals("e") || n.equals("c") || n.equals("s"))) {
                    // r(mean), e(N), c(pwd): results, not variables
                    int close = t.indexOf(')', j);
                    i = close < 0 ? t.length() : close + 1;
                    continue;
                }
                boolean call = j < t.length() && (t.charAt(j) == '(' || t.charAt(j) == '.' || t.charAt(j) == ':');
                boolean chained = j == t.length() && k + 1 < w.size() && w.get(k + 1).text().startsWith("(");
                if (!call && !chained && !n.equals("if") && !n.equals("in")) name(n, start + i);
                i = j;
            } else {
                i++;
            }
        }
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
