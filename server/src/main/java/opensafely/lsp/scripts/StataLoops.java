package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import opensafely.lsp.scripts.StataCommands.Word;

/** Macro expansion and the values of {@code foreach}/{@code forvalues} loops. */
final class StataLoops {
    private static final java.util.regex.Pattern WILDCARD = java.util.regex.Pattern.compile("[*?~-]");
    private static final java.util.regex.Pattern NUMBERS =
            java.util.regex.Pattern.compile("(-?\\d{1,6})(?:/(-?\\d{1,6})|\\((-?\\d{1,6})\\)(-?\\d{1,6}))?");

    private StataLoops() {}

    /**
     * For each command that ends with {@code {}, the index after the command holding its closing brace (the end of
     * the commands when it has none); 0 for the others. One pass with a stack.
     */
    static int[] blockEnds(List<StataCommands.Command> commands) {
        int[] ends = new int[commands.size()];
        java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
        for (int k = 0; k < commands.size(); k++) {
            List<Word> words = commands.get(k).words();
            for (int j = 0; j < words.size(); j++) {
                String t = words.get(j).text();
                if (t.equals("}") && !open.isEmpty()) {
                    int opened = open.pop();
                    if (opened >= 0) ends[opened] = k + 1;
                }
                else if (t.equals("{")) {
                    if (j == words.size() - 1) open.push(k);
                    else open.push(-1 - k); // a brace that does not end its command opens no loop body
                }
            }
        }
        while (!open.isEmpty()) {
            int k = open.pop();
            if (k >= 0) ends[k] = commands.size();
        }
        return ends;
    }

    /** The values of a text with its macros expanded (see {@link StataScriptReader.Walk#expand}). */
    static List<String> expand(StataScriptReader.Walk walk, String t, int depth) {
        List<String> acc = List.of("");
        StringBuilder lit = new StringBuilder();
        int n = t.length();
        int i = 0;
        while (i < n) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < n && (t.charAt(i + 1) == '$' || t.charAt(i + 1) == '`')) {
                lit.append(t.charAt(i + 1));
                i += 2;
            } else if (c == '`' && (i + 1 >= n || t.charAt(i + 1) != '"')) {
                int close = closing(t, i);
                String name = t.substring(i + 1, Math.max(i + 1, close));
                acc = PathValues.concat(acc, List.of(lit.toString()));
                lit.setLength(0);
                if (name.indexOf('`') >= 0 || name.indexOf('$') >= 0) {
                    // a macro whose name is built from another: expand the name first
                    List<String> names = depth < 4 ? expand(walk, name, depth + 1) : PathValues.unknown();
                    name = names.size() == 1 ? names.get(0) : String.valueOf(PathValues.UNKNOWN);
                }
                acc = PathValues.concat(acc, local(walk, name));
                i = close < n ? close + 1 : n;
            } else if (c == '$' && i + 1 < n && (t.charAt(i + 1) == '{' || isNameStart(t.charAt(i + 1)))) {
                int from = i + 1;
                int to;
                String name;
                if (t.charAt(from) == '{') {
                    int close = t.indexOf('}', from);
                    to = close < 0 ? n : close + 1;
                    name = t.substring(from + 1, close < 0 ? n : close);
                } else {
                    to = from;
                    while (to < n && to - from < 32 && (Character.isLetterOrDigit(t.charAt(to)) || t.charAt(to) == '_')) to++;
                    name = t.substring(from, to);
                }
                acc = PathValues.concat(acc, List.of(lit.toString()));
                lit.setLength(0);
                List<String> v = walk.globals.get(name);
                acc = PathValues.concat(acc, v == null ? PathValues.unknown() : v);
                i = to;
            } else {
                lit.append(c);
                i++;
            }
        }
        return PathValues.concat(acc, List.of(lit.toString()));
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    /** The index of the {@code '} closing the macro opened at {@code i}, with nested {@code `...'} skipped. */
    private static int closing(String t, int i) {
        int depth = 0;
        for (int k = i; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c == '`') depth++;
            else if (c == '\'' && --depth == 0) return k;
        }
        return t.length();
    }

    private static List<String> local(StataScriptReader.Walk walk, String name) {
        Map<String, List<String>> locals = walk.locals;
        String trimmed = name.trim();
        if (trimmed.equals("c(pwd)")) {
            return walk.cwd == null ? PathValues.unknown() : List.of(PathValues.ROOT + walk.cwd);
        }
        List<String> v = locals.get(trimmed);
        return v == null ? PathValues.unknown() : v;
    }

    /** The values of {@code foreach x in|of ... {}; null when they are not known. */
    static List<String> foreach(StataScriptReader.Walk walk, List<Word> w) {
        if (w.size() < 4) return null;
        String kind = w.get(2).text();
        int end = w.size();
        if (w.get(end - 1).text().equals("{")) end--;
        List<Word> listed = w.subList(3, Math.max(3, end));
        if (kind.equals("in")) return split(walk, w.subList(3, Math.max(3, end)));
        if (!kind.equals("of")) return null;
        String type = w.get(3).text();
        List<Word> rest = w.subList(Math.min(4, end), Math.max(4, end));
        if (type.startsWith("loc") || type.startsWith("glo")) {
            if (rest.size() != 1) return null;
            List<String> v = (type.startsWith("loc") ? walk.locals : walk.globals).get(rest.get(0).text());
            if (v == null || v.size() != 1) return null;
            return words(v.get(0));
        }
        if (type.startsWith("var")) {
            walk.data.names(rest);
            for (Word word : rest) if (WILDCARD.matcher(word.text()).find()) return null;
            return split(walk, rest);
        }
        if (type.startsWith("num")) return numlist(String.join(" ", rest.stream().map(Word::text).toList()));
        if (type.startsWith("new")) return split(walk, rest);
        return listed.isEmpty() ? null : null;
    }

    private static List<String> split(StataScriptReader.Walk walk, List<Word> words) {
        List<String> out = new ArrayList<>();
        for (Word word : words) {
            List<String> v = walk.expand(word.unquoted());
            if (v.size() != 1 || v.get(0).indexOf(PathValues.UNKNOWN) >= 0) return null;
            if (word.quoted()) out.add(v.get(0));
            else out.addAll(words(v.get(0)));
            if (out.size() > 64) return null;
        }
        return out;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.trim().split("\\s+")) if (!part.isEmpty()) out.add(part);
        return out;
    }

    /** {@code forvalues i = 1/5}, {@code forval i=1(2)9}. */
    static List<String> range(List<Word> w) {
        StringBuilder spec = new StringBuilder();
        for (Word word : w.subList(1, w.size())) if (!word.text().equals("{")) spec.append(word.text());
        String s = spec.toString();
        int eq = s.indexOf('=');
        return eq < 0 ? null : numlist(s.substring(eq + 1));
    }

    /** A numlist of integers ({@code 1/5}, {@code 1(2)9}, {@code 1 2 3}); null when it is more or larger. */
    static List<String> numlist(String spec) {
        List<String> out = new ArrayList<>();
        try {
            for (String part : spec.trim().split("\\s+")) {
                if (part.isEmpty()) continue;
                java.util.regex.Matcher m = NUMBERS.matcher(part);
                if (!m.matches()) return null;
                int from = Integer.parseInt(m.group(1));
                int to = m.group(2) != null ? Integer.parseInt(m.group(2)) : m.group(4) != null ? Integer.parseInt(m.group(4)) : from;
                int step = m.group(3) != null ? Integer.parseInt(m.group(3)) : 1;
                if (step == 0 || (to - from) / step < 0) return null;
                for (int v = from; step > 0 ? v <= to : v >= to; v += step) {
                    out.add(String.valueOf(v));
                    if (out.size() > PathValues.MAX_OPTIONS) return null;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return out.isEmpty() ? null : out;
    }
}
