package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import opensafely.lsp.scripts.FileUse.Access;
import opensafely.lsp.scripts.StataCommands.Word;

/** The Stata commands that read or write files, and where in them the file is named. */
final class StataFiles {
    private StataFiles() {}

    /** Records the files a command reads or writes, and tells the data tracker what the command does. */
    static void command(StataScriptReader.Walk walk, List<Word> w, String cmd) {
        int using = -1;
        int comma = w.size();
        for (int k = 1; k < w.size(); k++) {
            String t = w.get(k).text();
            if (t.equals(",")) {
                comma = k;
                break;
            }
            if (using < 0 && t.equalsIgnoreCase("using")) using = k;
        }
        String sub = w.size() > 1 ? w.get(1).text().toLowerCase(Locale.ROOT) : "";
        String call = cmd;
        Word file = null;
        String ext = null;
        Access access = null;
        boolean table = false;
        List<Word> varlist = List.of();
        boolean changesData = false;
        switch (cmd) {
            case "use" -> {
                access = Access.READ;
                ext = ".dta";
                table = true;
                if (using > 0) {
                    file = at(w, using + 1, comma);
                    varlist = w.subList(1, using);
                } else {
                    file = at(w, 1, comma);
                }
            }
            case "import", "insheet", "infile", "infix" -> {
                access = Access.READ;
                boolean delimited = cmd.equals("insheet") || sub.startsWith("delim");
                table = delimited;
                changesData = !delimited;
                call = cmd.equals("import") ? "import " + sub : cmd;
                int first = cmd.equals("import") ? 2 : 1;
                if (cmd.equals("import") && sub.startsWith("delim")) ext = ".csv";
                if (using > 0) {
                    file = at(w, using + 1, comma);
                    if (delimited) varlist = w.subList(first, using);
                } else if (cmd.equals("import")) {
                    file = at(w, first, comma);
                }
            }
            case "merge", "mer", "merg", "append", "app", "appe", "appen", "joinby", "cross" -> {
                changesData = true;
                if (using > 0) {
                    for (int k = using + 1; k < comma; k++) {
                        walk.data.unknown();
                        file(walk, w.get(k), ".dta", Access.READ, cmd);
                    }
                }
            }
            case "do", "run", "include" -> {
                access = Access.READ;
                ext = ".do";
                file = at(w, 1, comma);
                changesData = true;
                // the code it runs may write anything
                walk.unresolvedWrites.add(walk.range(w.get(0).start(), w.get(w.size() - 1).end()));
            }
            case "save", "sa", "sav", "saveold" -> {
                access = Access.WRITE;
                ext = ".dta";
                file = at(w, 1, comma);
                if (file == null) {
                    // `save, replace` writes the file the data came from
                    walk.unresolvedWrites.add(walk.range(w.get(0).start(), w.get(w.size() - 1).end()));
                }
            }
            case "export", "outsheet" -> {
                access = Access.WRITE;
                call = cmd.equals("export") ? "export " + sub : cmd;
                if (cmd.equals("export") && sub.startsWith("delim")) ext = ".csv";
                file = using > 0 ? at(w, using + 1, comma) : cmd.equals("export") ? at(w, 2, comma) : null;
            }
            case "graph", "gr", "gra", "grap" -> {
                if (sub.equals("export") || sub.equals("save") || sub.equals("sa") || sub.equals("sav")) {
                    access = Access.WRITE;
                    call = "graph " + sub;
                    boolean save = !sub.equals("export");
                    if (save) ext = ".gph";
                    file = save && comma > 3 ? at(w, 3, comma) : at(w, 2, comma);
                }
            }
            case "esttab", "estout", "outreg2", "outreg", "tabout", "postfile" -> {
                if (using > 0) {
                    access = Access.WRITE;
                    file = at(w, using + 1, comma);
                    ext = cmd.equals("postfile") ? ".dta" : ".*";
                }
            }
            case "putexcel", "putdocx", "putpdf", "collect" -> {
                if (sub.equals("set") || sub.equals("save") || sub.equals("export")) {
                    access = Access.WRITE;
                    call = cmd + " " + sub;
                    file = at(w, 2, comma);
                }
            }
            case "log", "cmdlog" -> {
                if (sub.equals("using")) {
                    access = Access.WRITE;
                    call = cmd + " using";
                    file = at(w, 2, comma);
                    ext = hasOption(w, comma, "t") ? ".log" : ".smcl";
                    if (cmd.equals("cmdlog")) ext = ".txt";
                }
            }
            case "file" -> {
                if (sub.equals("open") && using > 0) {
                    access = hasOption(w, comma, "r") && !hasOption(w, comma, "w") ? Access.READ : Access.WRITE;
                    call = "file open";
                    file = at(w, using + 1, comma);
                }
            }
            case "estimates", "est", "estimate", "esti", "estim" -> {
                if (sub.equals("save") || sub.equals("use")) {
                    access = sub.equals("save") ? Access.WRITE : Access.READ;
                    call = "estimates " + sub;
                    file = at(w, 2, comma);
                    ext = ".ster";
                }
            }
            case "shell", "!", "winexec", "translate", "copy", "unzipfile", "zipfile", "filefilter" -> {
                walk.unresolvedWrites.add(walk.range(w.get(0).start(), w.get(w.size() - 1).end()));
            }
            case "sysuse", "webuse", "clear" -> changesData = true;
            default -> {
                if (using > 0) {
                    // an unknown command given a file: it may write it
                    walk.unresolvedWrites.add(walk.range(w.get(using).start(), w.get(w.size() - 1).end()));
                }
            }
        }
        for (int k = comma; k < w.size(); k++) {
            String t = w.get(k).text().toLowerCase(Locale.ROOT);
            if (t.startsWith("saving(") || t.startsWith("sav(") || t.startsWith("export(")) {
                walk.unresolvedWrites.add(walk.range(w.get(k).start(), w.get(k).end()));
            }
        }
        if (access == null) {
            if (changesData) walk.data.unknown();
            else walk.data.command(w, cmd);
            return;
        }
        if (file == null) {
            if (table || changesData) walk.data.unknown();
            if (!cmd.startsWith("sa") && !(access == Access.WRITE && cmd.equals("export") && using < 0)) {
                if (access == Access.READ) walk.unresolvedReads.add(walk.range(w.get(0).start(), w.get(w.size() - 1).end()));
            }
            return;
        }
        List<FileUse> uses = file(walk, file, ext, access, call);
        if (table && uses.size() == 1 && !walk.speculative) walk.data.load(uses.get(0), varlist);
        else if (table || changesData) walk.data.unknown();
    }

    /** The word at {@code k}, when it comes before the options and is not {@code if}/{@code in}. */
    private static Word at(List<Word> w, int k, int comma) {
        if (k >= comma || k >= w.size()) return null;
        String t = w.get(k).text();
        if (t.equals("if") || t.equals("in") || t.equals("using")) return null;
        return w.get(k);
    }

    private static boolean hasOption(List<Word> w, int comma, String prefix) {
        for (int k = comma + 1; k < w.size(); k++) {
            if (w.get(k).text().toLowerCase(Locale.ROOT).startsWith(prefix)) return true;
        }
        return false;
    }

    /** Records the file a word names; the uses recorded (none when it is unresolved or outside the study). */
    static List<FileUse> file(StataScriptReader.Walk walk, Word word, String ext, Access access, String call) {
        List<FileUse> uses = new ArrayList<>();
        boolean unresolved = false;
        for (String option : walk.expand(word.unquoted())) {
            if (option.indexOf(PathValues.ELSEWHERE) >= 0) continue;
            String value = option;
            int slash = value.lastIndexOf('/');
            String last = value.substring(slash + 1);
            if (ext != null && !last.isEmpty() && last.indexOf('.') < 0 && last.charAt(last.length() - 1) != PathValues.UNKNOWN) {
                value = value + (ext.equals(".*") ? "." + PathValues.UNKNOWN : ext);
            }
            String path = PathValues.path(walk.anchored(value));
            if (path == null) {
                unresolved = true;
                continue;
            }
            FileUse use = new FileUse(access, path, walk.range(word.start(), word.end()), call, walk.conditional > 0);
            walk.use(access, path, word, call);
            uses.add(use);
        }
        if (unresolved && !walk.speculative) {
            (access == Access.READ ? walk.unresolvedReads : walk.unresolvedWrites).add(walk.range(word.start(), word.end()));
        } else if (unresolved && access == Access.WRITE) {
            walk.unresolvedWrites.add(walk.range(word.start(), word.end()));
        }
        return uses;
    }
}
