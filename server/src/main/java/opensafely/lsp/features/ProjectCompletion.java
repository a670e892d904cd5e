package opensafely.lsp.features;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.pipeline.PrivacyLevel;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Completion in project.yaml. It reads the cursor's place from the text ({@link TextContext}) rather than
 * from the parsed tree, because while typing the YAML is usually broken; the parsed project (of this
 * text, of this text with the current line blanked, or of the last text that parsed) only supplies
 * action names and the dependency graph.
 */
final class ProjectCompletion {
    private static final Pattern VERSION_LINE = Pattern.compile("^version:\\s*[\"']?\\s*([-+]?[0-9][0-9_]*(?:\\.[0-9]*)?)");
    private static final Set<String> PATH_OPTIONS = Set.of("--output", "--output-dir", "--dummy-data-file", "--dummy-tables",
            "--test-data-file");

    /**
     * Above this size a full parse takes longer than a completion may (tens of milliseconds). An edit
     * inside one action re-reads only that action ({@link AnalysisCache#quick}); when that cannot be done
     * (the YAML is broken mid-typing), completion reads the text alone and borrows action names and
     * needs from the last version that parsed, rather than waiting for a parse of its own.
     */
    static final int LARGE_TEXT = 50_000;

    private final AnalysisCache cache;

    ProjectCompletion(AnalysisCache cache) {
        this.cache = cache;
    }

    List<Completion> complete(Document doc, Position pos) {
        AnalysisCache.Entry entry = cache.quick(doc);
        if (entry == null && (doc.text().length() <= LARGE_TEXT || cache.lastParsed(doc.path()) == null)) {
            entry = cache.get(doc);
        }
        LineIndex lines = entry != null ? entry.project().yaml().lines() : new LineIndex(doc.text());
        TextContext ctx = TextContext.at(lines, pos);
        if (ctx.inComment()) return List.of();
        Request r = new Request(doc, entry, ctx);
        List<String> parents = ctx.parents;
        boolean inAction = parents.size() == 2 && parents.get(0).equals("actions");
        if (ctx.inValue()) {
            String key = ctx.shape.key();
            int valueStart = ctx.shape.valueStart(ctx.text);
            if (key.equals("image")) return images(r, ctx.wordStart(""), null);
            if (parents.isEmpty() && key.equals("version")) return versions(ctx, valueStart);
            if (inAction) {
                return switch (key) {
                    case "run" -> run(r, valueStart);
                    case "needs" -> needs(r, valueStart);
                    case "dummy_data_file" -> paths(r, ctx.wordStart("\"'"), List.of(".csv", ".gz", ".arrow", ".feather"));
                    default -> List.of();
                };
            }
            if (parents.size() == 4 && parents.get(0).equals("actions") && parents.get(2).equals("outputs")
                    && PrivacyLevel.of(parents.get(3)).isPresent()) {
                return paths(r, ctx.wordStart("\"'"), List.of());
            }
            return List.of();
        }
        String last = ctx.lastParent();
        boolean underAction = parents.size() == 3 && parents.get(0).equals("actions");
        if (underAction && "needs".equals(last)) return needs(r, -1);
        if (underAction && "run".equals(last) && !ctx.shape.item()) return runContinuation(r);
        if (ctx.shape.item()) return List.of();
        return keys(r);
    }

    /** Everything one completion request needs, computed at most once. */
    private final class Request {
        final Document doc;
        /** This text's analysis, or null when it has not been parsed (a large text just edited). */
        final AnalysisCache.Entry entry;
        final TextContext ctx;
        private ProjectIndex names;

        Request(Document doc, AnalysisCache.Entry entry, TextContext ctx) {
            this.doc = doc;
            this.entry = entry;
            this.ctx = ctx;
        }

        Range replace(int fromColumn) {
            return new Range(ctx.position(fromColumn), ctx.position(ctx.col));
        }

        double version() {
            Project p = entry == null ? null : entry.project();
            if (p != null && p.parsed()) return p.version().value();
            // Broken YAML: read `version:` from the text.
            for (int l = 0; l < ctx.lines.lineCount(); l++) {
                String t = ctx.lines.lineText(l);
                if (!t.startsWith("version")) continue;
                Matcher m = VERSION_LINE.matcher(t);
                if (m.find()) {
                    try {
                        return Double.parseDouble(m.group(1).replace("_", ""));
                    } catch (NumberFormatException e) {
                        return 5;
                    }
                }
            }
            return 5;
        }

        /** A parsed project with the actions of this text, as fresh as can be had; null if none. */
        ProjectIndex index() {
            if (names != null) return names;
            if (entry != null && entry.project().parsed()) {
                names = entry.index();
                return names;
            }
            AnalysisCache.Entry last = cache.lastParsed(doc.path());
            if (last != null && (entry == null || doc.text().length() > LARGE_TEXT)) {
                names = last.index();
                return names;
            }
            // The line being typed is usually what breaks the YAML: parse without it.
            AnalysisCache.Entry variant = cache.variant(blankLine(ctx.lines, ctx.line));
            if (variant.project().parsed()) {
                names = variant.index();
            } else if (last != null) {
                names = last.index();
            }
            return names;
        }
    }

    /** A zero-padded sort key (String.format is too slow for thousands of items). */
    static String pad(int n, int width) {
        String s = Integer.toString(n);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    static String blankLine(LineIndex lines, int line) {
        String text = lines.text();
        return text.substring(0, lines.lineStart(line)) + text.substring(lines.lineEnd(line));
    }

    // ---- keys ----------------------------------------------------------------------------------------

    private List<Completion> keys(Request r) {
        TextContext ctx = r.ctx;
        KeyDocs.Place place = KeyDocs.placeOf(ctx.parents);
        if (place == null) return List.of();
        int start = ctx.shape.contentStart();
        if (ctx.col < start) start = ctx.col;
        // On an existing key (cursor before its colon) replace only the key; otherwise insert `key: `.
        boolean onKey = ctx.shape.hasKey();
        Range replace = onKey ? new Range(ctx.position(ctx.shape.contentStart()), ctx.position(ctx.shape.colon()))
                : r.replace(start);
        Set<String> present = new HashSet<>(ctx.siblingKeys());
        List<Completion> out = new ArrayList<>();
        int rank = 0;
        for (KeyDocs.Key k : KeyDocs.keys(place)) {
            rank++;
            if (present.contains(k.name())) continue;
            if (place == KeyDocs.Place.TOP && k.name().equals("expectations") && r.version() >= 4) continue;
            String insert = onKey ? k.name() : keyInsert(place, k.name());
            boolean snippet = insert.contains("$");
            out.add(new Completion(k.name(), Completion.Kind.PROPERTY, k.summary(), k.doc(), insert, snippet, replace,
                    pad(rank, 2)));
        }
        return out;
    }

    private static String keyInsert(KeyDocs.Place place, String key) {
        if (place == KeyDocs.Place.ACTION) {
            return switch (key) {
                case "run", "dummy_data_file" -> key + ": ";
                case "needs" -> "needs: [$1]";
                default -> key + ":";
            };
        }
        if (place == KeyDocs.Place.TOP && key.equals("version")) return "version: ";
        if (place == KeyDocs.Place.EXPECTATIONS) return key + ": ";
        return key + ":";
    }

    private List<Completion> versions(TextContext ctx, int valueStart) {
        Range replace = new Range(ctx.position(Math.min(valueStart, ctx.col)), ctx.position(ctx.col));
        List<Completion> out = new ArrayList<>();
        out.add(new Completion("5", Completion.Kind.VALUE, "latest format version", null, "5", false, replace, "1"));
        out.add(new Completion("4", Completion.Kind.VALUE, "cohortextractor not allowed; :latest allowed", null, "4", false, replace, "2"));
        out.add(new Completion("3", Completion.Kind.VALUE, "requires expectations", null, "3", false, replace, "3"));
        return out;
    }

    // ---- run -----------------------------------------------------------------------------------------

    private List<Completion> run(Request r, int valueStart) {
        TextContext ctx = r.ctx;
        int from = Math.min(valueStart, ctx.col);
        String before = ctx.text.substring(from, ctx.col);
        return runFrom(r, stripOpening(before));
    }

    /** A run command continued on a later line: join the text from the `run:` line to the cursor. */
    private List<Completion> runContinuation(Request r) {
        TextContext ctx = r.ctx;
        int runLine = ctx.parentLines.get(ctx.parentLines.size() - 1);
        String runText = ctx.lines.lineText(runLine);
        TextContext.Shape s = TextContext.shape(runText);
        StringBuilder sb = new StringBuilder(stripOpening(runText.substring(s.valueStart(runText))));
        for (int l = runLine + 1; l < ctx.line; l++) sb.append(' ').append(ctx.lines.lineText(l));
        sb.append(' ').append(ctx.text, 0, ctx.col);
        return runFrom(r, sb.toString());
    }

    /** Drops a block-scalar indicator or an opening quote before the command. */
    private static String stripOpening(String value) {
        String v = value;
        if (v.startsWith(">") || v.startsWith("|")) {
            int i = 1;
            while (i < v.length() && "+-0123456789".indexOf(v.charAt(i)) >= 0) i++;
            v = v.substring(i);
        } else if (v.startsWith("\"") || v.startsWith("'")) {
            v = v.substring(1);
        }
        return v;
    }

    /** Completion for the word at the end of {@code before}, the run command up to the cursor. */
    private List<Completion> runFrom(Request r, String before) {
        TextContext ctx = r.ctx;
        int wordStart = ctx.wordStart("\"'");
        String current = ctx.text.substring(wordStart, ctx.col);
        String prior = before.substring(0, Math.max(0, before.length() - current.length()));
        List<String> words = new ArrayList<>();
        for (String w : prior.trim().split("\\s+")) {
            if (!w.isEmpty()) words.add(unquote(w));
        }
        if (words.isEmpty()) return images(r, wordStart, null);
        String imageName = words.get(0).contains(":") ? words.get(0).substring(0, words.get(0).indexOf(':')) : words.get(0);
        Images.Image image = Images.named(imageName).orElse(null);
        List<String> exts = image == null ? List.of() : image.scriptExtensions();
        for (String opt : PATH_OPTIONS) {
            if (current.startsWith(opt + "=")) return paths(r, wordStart + opt.length() + 1, List.of());
        }
        if (words.size() == 1) {
            List<Completion> out = new ArrayList<>();
            if (image != null) {
                for (Images.Command c : image.commands()) {
                    out.add(new Completion(c.name(), Completion.Kind.FUNCTION, image.name() + " command", c.doc(),
                            c.name() + " ", false, r.replace(wordStart), "0" + c.name()));
                }
                // ehrQL and cohortextractor only run their own commands; the others take scripts.
                if (!image.commands().isEmpty() && (image.name().equals("ehrql") || image.cohortExtractor()
                        || image.name().equals("databuilder"))) {
                    return out;
                }
            }
            out.addAll(paths(r, wordStart, exts));
            return out;
        }
        String prev = words.get(words.size() - 1);
        if (PATH_OPTIONS.contains(prev)) return paths(r, wordStart, List.of());
        if (prev.equals("--study-definition")) return studyDefinitions(r, wordStart);
        if (current.startsWith("-") && image != null) {
            Images.Command command = image.command(words.get(1)).orElse(null);
            if (command == null) return List.of();
            List<Completion> out = new ArrayList<>();
            for (String o : command.options()) {
                if (words.contains(o)) continue;
                out.add(new Completion(o, Completion.Kind.KEYWORD, command.name() + " option", null, o + " ", false,
                        r.replace(wordStart), o));
            }
            return out;
        }
        return paths(r, wordStart, exts);
    }

    private static String unquote(String w) {
        return w.replace("\"", "").replace("'", "");
    }

    private List<Completion> images(Request r, int wordStart, String onlyImage) {
        List<Completion> out = new ArrayList<>();
        double version = r.version();
        for (Images.Offer o : Images.offers(version)) {
            if (onlyImage != null && !o.image().name().equals(onlyImage)) continue;
            String detail = o.tag().equals("latest") ? "moving tag; prefer a pinned version" : "image";
            String doc = o.image().summary() + "\n\n" + Images.tagMeaning(o.image().name(), o.tag(), version);
            out.add(new Completion(o.label(), Completion.Kind.MODULE, detail, doc, o.label() + " ", false,
                    r.replace(wordStart), pad(o.rank(), 3)));
        }
        return out;
    }

    /** Names for {@code --study-definition}: analysis/study_definition*.py without the folder and suffix. */
    private List<Completion> studyDefinitions(Request r, int wordStart) {
        List<Completion> out = new ArrayList<>();
        for (String f : r.doc.folder().list("analysis")) {
            if (f.endsWith(".py") && f.startsWith("study_definition")) {
                String name = f.substring(0, f.length() - 3);
                out.add(new Completion(name, Completion.Kind.FILE, "analysis/" + f, null, name, false, r.replace(wordStart), name));
            }
        }
        return out;
    }

    // ---- paths ---------------------------------------------------------------------------------------

    /** Entries of the folder named by the word typed so far (up to its last slash). */
    private List<Completion> paths(Request r, int wordStart, List<String> preferred) {
        TextContext ctx = r.ctx;
        StudyFolder folder = r.doc.folder();
        if (folder == null || !folder.known()) return List.of();
        String typed = ctx.text.substring(Math.min(wordStart, ctx.col), ctx.col);
        int slash = typed.lastIndexOf('/');
        String dir = slash < 0 ? "" : typed.substring(0, slash + 1);
        if (dir.startsWith("/")) return List.of();
        Range replace = r.replace(wordStart + dir.length());
        List<Completion> out = new ArrayList<>();
        for (String name : folder.list(dir)) {
            boolean isDir = name.endsWith("/");
            if (isDir && dir.isEmpty() && name.equals("metadata/")) continue; // job-runner's own folder
            boolean wanted = isDir || preferred.isEmpty() || preferred.stream().anyMatch(name::endsWith);
            out.add(new Completion(name, isDir ? Completion.Kind.FOLDER : Completion.Kind.FILE, dir + name, null, name,
                    false, replace, (wanted ? "0" : "1") + (isDir ? "0" : "1") + name));
        }
        return out;
    }

    // ---- needs ---------------------------------------------------------------------------------------

    /**
     * Action names for a needs list, flow or block. {@code valueStart} is the column of the value on a
     * {@code needs:} line, or -1 when the cursor is on an item or continuation line below it.
     */
    private List<Completion> needs(Request r, int valueStart) {
        TextContext ctx = r.ctx;
        String self = ctx.parents.get(1);
        String before = ctx.text.substring(0, ctx.col);
        if (before.lastIndexOf(']') > before.lastIndexOf('[')) return List.of(); // after the closed list
        int needsLine = valueStart >= 0 ? ctx.line : ctx.parentLines.get(ctx.parentLines.size() - 1);
        int wordStart = ctx.wordStart("[],\"'");
        if (ctx.shape.item() && wordStart < ctx.shape.contentStart()) wordStart = ctx.shape.contentStart();
        boolean bare = valueStart >= 0 && !ctx.text.substring(Math.min(valueStart, ctx.col), ctx.col).contains("[")
                && !ctx.text.substring(Math.min(valueStart, ctx.col)).trim().startsWith("[");
        Set<String> listed = listed(ctx, needsLine, wordStart);
        ProjectIndex index = r.index();
        List<String> names = index != null ? index.names() : actionNamesFromText(ctx.lines);
        Set<String> cyclic = index != null ? index.transitiveDependents(self) : Set.of();
        List<Completion> out = new ArrayList<>();
        Range replace = r.replace(wordStart);
        int rank = 0;
        for (String name : names) {
            rank++;
            if (name.equals(self) || listed.contains(name) || cyclic.contains(name)) continue;
            String detail = null;
            if (index != null && index.action(name) != null && index.action(name).run() != null) {
                detail = index.action(name).run().raw();
            }
            String insert = bare ? "[" + name + "]" : name;
            out.add(new Completion(name, Completion.Kind.REFERENCE, detail, null, insert, false, replace,
                    pad(rank, 6)));
        }
        return out;
    }

    /** The names already in a needs list, from its key line through its items, except the word being typed. */
    private static Set<String> listed(TextContext ctx, int needsLine, int wordStart) {
        Set<String> out = new LinkedHashSet<>();
        LineIndex lines = ctx.lines;
        String keyLine = lines.lineText(needsLine);
        int needsIndent = TextContext.indentOf(keyLine);
        for (int l = needsLine; l < lines.lineCount(); l++) {
            String t = lines.lineText(l);
            if (l > needsLine) {
                TextContext.Shape s = TextContext.shape(t);
                if (!s.blank() && !s.comment() && (s.indent() < needsIndent || (s.indent() == needsIndent && !s.item()))) break;
                if (s.comment()) continue;
            } else {
                TextContext.Shape s = TextContext.shape(t);
                t = s.hasKey() ? t.substring(s.colon() + 1) : t;
                if (l == ctx.line) {
                    int shift = s.hasKey() ? s.colon() + 1 : 0;
                    t = cut(t, wordStart - shift, ctx, shift);
                }
                addNames(t, out);
                continue;
            }
            if (l == ctx.line) t = cut(t, wordStart, ctx, 0);
            addNames(t, out);
        }
        return out;
    }

    /** The line without the word under the cursor (from wordStart to the end of that word). */
    private static String cut(String t, int from, TextContext ctx, int shift) {
        int start = Math.max(0, Math.min(from, t.length()));
        int end = Math.max(start, Math.min(ctx.col - shift, t.length()));
        while (end < t.length() && " \t,]".indexOf(t.charAt(end)) < 0) end++;
        return t.substring(0, start) + t.substring(end);
    }

    private static void addNames(String t, Set<String> out) {
        int hash = t.indexOf(" #");
        if (hash >= 0) t = t.substring(0, hash);
        for (String w : t.split("[\\s,\\[\\]]+")) {
            w = unquote(w);
            if (!w.isEmpty() && !w.equals("-")) out.add(w);
        }
    }

    /** Action names read from the text: keys one level under a top-level `actions:`. */
    static List<String> actionNamesFromText(LineIndex lines) {
        Set<String> out = new LinkedHashSet<>();
        int childIndent = -1;
        boolean inActions = false;
        for (int l = 0; l < lines.lineCount(); l++) {
            String t = lines.lineText(l);
            TextContext.Shape s = TextContext.shape(t);
            if (s.blank() || s.comment()) continue;
            if (s.indent() == 0) {
                inActions = s.hasKey() && s.key().equals("actions");
                continue;
            }
            if (!inActions || !s.hasKey() || s.item()) continue;
            if (childIndent < 0) childIndent = s.indent();
            if (s.indent() == childIndent) out.add(s.key());
        }
        return new ArrayList<>(out);
    }
}
