package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.scripts.FileUse.Access;
import opensafely.lsp.scripts.StataCommands.Command;
import opensafely.lsp.scripts.StataCommands.Word;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * Reads Stata do-files: the files {@code use}, {@code import delimited}, {@code merge}, {@code save},
 * {@code export delimited}, {@code graph export}, {@code log using}... name, with local and global macros and
 * {@code foreach}/{@code forvalues} loops over literal lists followed, and the variables named after a file is loaded
 * (see {@link StataColumns}).
 *
 * <p>Commands run in order, once; a loop body once per value. Work is bounded by a budget proportional to the text,
 * past which the script's writes count as unresolved.
 */
public final class StataScriptReader implements ScriptReader {
    private static final java.util.regex.Pattern MACRO_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]+");

    @Override
    public ScriptUses read(String text) {
        try {
            return new Walk(text).run();
        } catch (RuntimeException | StackOverflowError e) {
            Range start = new Range(new Position(0, 0), new Position(0, 0));
            return new ScriptUses(ScriptLanguage.STATA, List.of(), List.of(), List.of(), List.of(start));
        }
    }

    static final class Walk {
        final LineIndex lines;
        final List<Command> commands;
        final List<FileUse> files = new ArrayList<>();
        final Set<ColumnUse> columns = new LinkedHashSet<>();
        final List<Range> unresolvedReads = new ArrayList<>();
        final List<Range> unresolvedWrites = new ArrayList<>();
        final Map<String, List<String>> locals = new HashMap<>();
        final Map<String, List<String>> globals = new HashMap<>();
        final StataColumns data = new StataColumns(this);
        long budget;
        boolean exhausted;
        /** How many if/else/while blocks and capture prefixes enclose the command being run (FileUse.conditional). */
        int conditional;
        int[] blockEnds;
        /** The current folder below the study folder ("" at the start), null once {@code cd} went somewhere unknown. */
        String cwd = "";
        int nesting;
        /** Inside a program definition: it may never run, so its writes only count as unresolved. */
        boolean speculative;

        Walk(String text) {
            this.lines = new LineIndex(text);
            this.commands = StataCommands.of(text);
            this.budget = 10_000L + 20L * text.length();
        }

        ScriptUses run() {
            block(0, commands.size());
            if (exhausted) unresolvedWrites.add(range(0, 0));
            return new ScriptUses(ScriptLanguage.STATA, new ArrayList<>(new LinkedHashSet<>(files)), new ArrayList<>(columns),
                    new ArrayList<>(new LinkedHashSet<>(unresolvedReads)),
                    new ArrayList<>(new LinkedHashSet<>(unresolvedWrites)));
        }

        Range range(int start, int end) {
            return lines.range(start, end);
        }

        /** Runs commands {@code [from, to)}. */
        void block(int from, int to) {
            int i = from;
            while (i < to && !exhausted) {
                if (--budget < 0) {
                    exhausted = true;
                    return;
                }
                i = command(i, to);
            }
        }

        /** The index after the block that opens at command {@code i} (its closing brace), or {@code i + 1}. */
        int blockEnd(int i, int limit) {
            if (blockEnds == null) blockEnds = StataLoops.blockEnds(commands);
            int end = blockEnds[i];
            return end <= i ? i + 1 : Math.min(end, limit);
        }

        /** Runs command {@code i}; returns the index of the next one to run. */
        private int command(int i, int limit) {
            // capture: a failure of the command (or of its block) does not stop the do-file, so its reads are conditional
            boolean captured = StataPrefixes.captured(commands.get(i).words());
            if (captured) conditional++;
            try {
                return commandUncaptured(i, limit, captured);
            } finally {
                if (captured) conditional--;
            }
        }

        private int commandUncaptured(int i, int limit, boolean captured) {
            Command c = commands.get(i);
            List<Word> w = StataPrefixes.strip(c.words(), data);
            if (w.isEmpty()) return i + 1;
            String head = w.get(0).text();
            String cmd = head.toLowerCase(Locale.ROOT);
            boolean opensBlock = w.get(w.size() - 1).text().equals("{");
            if (opensBlock && (cmd.equals("if") || cmd.equals("else") || cmd.equals("while") || (captured && cmd.equals("{")))) {
                // a branch, a while loop or a captured block: it may not run, or not to its end
                int end = blockEnd(i, limit);
                conditional++;
                try {
                    block(i + 1, Math.max(i + 1, end - 1));
                } finally {
                    conditional--;
                }
                return end;
            }
            if (cmd.equals("}") || cmd.equals("{")) return i + 1;
            if (cmd.startsWith("foreach") || cmd.startsWith("forv")) {
                int end = blockEnd(i, limit);
                loop(w, cmd.startsWith("forv"), i + 1, Math.max(i + 1, end - 1));
                return end;
            }
            if (cmd.equals("program") || cmd.equals("pr") || cmd.equals("prog") || cmd.equals("progr")) {
                return program(w, i, limit);
            }
            if (cmd.equals("local") || cmd.equals("loc") || cmd.equals("global") || cmd.equals("gl")) {
                define(w, cmd.startsWith("g") ? globals : locals);
                return i + 1;
            }
            if (cmd.equals("cd") || cmd.equals("chdir")) {
                changeFolder(w);
                return i + 1;
            }
            if (cmd.equals("tempfile")) {
                for (Word name : w.subList(1, w.size())) locals.put(name.text(), List.of(String.valueOf(PathValues.ELSEWHERE)));
                return i + 1;
            }
            if (cmd.equals("levelsof") || cmd.equals("ds") || cmd.equals("tempvar") || cmd.equals("tempname")) {
                // they set macros to values the reader cannot know
                for (Word word : w) {
                    String t = word.text();
                    if (t.startsWith("local(") || t.startsWith("loc(")) locals.remove(inside(t));
                }
                if (!cmd.equals("levelsof") && !cmd.equals("ds")) for (Word name : w.subList(1, w.size())) locals.remove(name.text());
            }
            StataFiles.command(this, w, cmd);
            return i + 1;
        }

        /** {@code cd}: later relative paths are below the new folder; an unknown one leaves them unresolved. */
        private void changeFolder(List<Word> w) {
            if (w.size() != 2) {
                cwd = null;
                return;
            }
            cwd = PathValues.changeFolder(cwd, expand(w.get(1).unquoted()));
        }

        String anchored(String value) {
            return PathValues.anchored(cwd, value);
        }

        static String inside(String option) {
            int open = option.indexOf('(');
            int close = option.lastIndexOf(')');
            return open < 0 || close < open ? "" : option.substring(open + 1, close).trim();
        }

        /** {@code local name "value"}, {@code local name value}, {@code local name = "a" + "b"}. */
        private void define(List<Word> w, Map<String, List<String>> scope) {
            if (w.size() < 2) return;
            String name = w.get(1).text();
            if (!MACRO_NAME.matcher(name).matches()) return;
            List<Word> rest = w.subList(2, w.size());
            if (rest.isEmpty()) {
                scope.put(name, List.of(""));
                return;
            }
            if (rest.get(0).text().equals("=")) {
                scope.put(name, concatenation(rest.subList(1, rest.size())));
                return;
            }
            if (rest.get(0).text().startsWith(":") || rest.get(0).text().startsWith("=")) {
                scope.remove(name);
                return;
            }
            if (rest.size() == 1 && rest.get(0).quoted()) {
                scope.put(name, expand(rest.get(0).unquoted()));
                return;
            }
            // unquoted text: the words as written, one space apart
            StringBuilder raw = new StringBuilder();
            for (Word word : rest) {
                if (raw.length() > 0) raw.append(' ');
                raw.append(word.text());
            }
            scope.put(name, expand(raw.toString()));
        }

        /** {@code "a" + "b" + `x'}: a concatenation of strings and macros; anything else is unknown. */
        private List<String> concatenation(List<Word> words) {
            List<String> acc = List.of("");
            boolean expectOperand = true;
            for (Word word : words) {
                String t = word.text();
                if (!expectOperand && t.equals("+")) {
                    expectOperand = true;
                    continue;
                }
                if (!expectOperand) return PathValues.unknown();
                if (word.quoted()) acc = PathValues.concat(acc, expand(word.unquoted()));
                else if (DIGITS.matcher(t).matches()) acc = PathValues.concat(acc, List.of(t));
                else if (t.startsWith("`") || t.startsWith("$")) acc = PathValues.concat(acc, expand(t));
                else return PathValues.unknown();
                expectOperand = false;
            }
            return expectOperand && !words.isEmpty() ? PathValues.unknown() : acc;
        }

        private void loop(List<Word> w, boolean forvalues, int bodyFrom, int bodyTo) {
            if (nesting >= 32) {
                exhausted = true; // loops nested this deep are not followed; the script's writes stay open
                return;
            }
            nesting++;
            try {
                loopBody(w, forvalues, bodyFrom, bodyTo);
            } finally {
                nesting--;
            }
        }

        private void loopBody(List<Word> w, boolean forvalues, int bodyFrom, int bodyTo) {
            String var = w.size() > 1 ? w.get(1).text() : "";
            if (forvalues && var.contains("=")) var = var.substring(0, var.indexOf('='));
            List<String> values = forvalues ? StataLoops.range(w) : StataLoops.foreach(this, w);
            if (values != null && values.size() <= 12) {
                for (String v : values) {
                    locals.put(var, List.of(v));
                    block(bodyFrom, bodyTo);
                }
            } else {
                if (values != null && values.size() <= PathValues.MAX_OPTIONS) locals.put(var, values);
                else locals.put(var, PathValues.unknown());
                block(bodyFrom, bodyTo);
            }
        }

        /** {@code program define name ... end}: its body, which may run with arguments not known, speculatively. */
        private int program(List<Word> w, int i, int limit) {
            String sub = w.size() > 1 ? w.get(1).text() : "";
            if (sub.equals("drop") || sub.equals("dir") || sub.equals("list")) return i + 1;
            int end = i + 1;
            while (end < limit && !commands.get(end).word(0).equals("end")) end++;
            boolean was = speculative;
            speculative = true;
            Map<String, List<String>> saved = new HashMap<>(locals);
            locals.clear();
            block(i + 1, end);
            locals.clear();
            locals.putAll(saved);
            speculative = was;
            return Math.min(limit, end + 1);
        }

        /**
         * The values of a text with macros expanded: {@code `name'}, {@code $name}, {@code ${name}} and
         * {@code `c(pwd)'} (the study folder, where jobs run). Unknown macros are unknown parts.
         */
        List<String> expand(String t) {
            return StataLoops.expand(this, t, 0);
        }

        void use(Access access, String path, Word where, String call) {
            FileUse use = new FileUse(access, path, range(where.start(), where.end()), call, conditional > 0);
            if (speculative) {
                if (access == Access.WRITE) unresolvedWrites.add(use.range());
                return;
            }
            files.add(use);
        }
    }
}
