package opensafely.lsp.yaml;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads YAML the way OpenSAFELY's parser (ruamel, YAML 1.2) reads it, keeping every node's range.
 *
 * <p>snakeyaml-engine implements YAML 1.2 and gives start and end marks on every node of its composed
 * tree; we stop at composition (no object construction) so that duplicate keys, merge keys and custom
 * tags stay visible and can be reported at both places rather than failing at the first.
 */
public final class YamlLoader {
    /** Deeper than any pipeline; guards the recursive walk (and the parser's) against hostile input. */
    static final int MAX_DEPTH = 200;

    private static final Pattern TIMESTAMP = Pattern.compile(
            "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?");

    /** Far beyond any real project.yaml (the biggest known is ~1 MB); a bigger text is reported, not read. */
    static final int MAX_CODE_POINTS = 20_000_000;

    /**
     * Aliases of collections: a real pipeline has a few dozen. Composition shares aliased nodes (no
     * expansion), and so does {@link Converter}, so a "billion laughs" text costs only its own size.
     */
    static final int MAX_ALIASES = 1000;

    /**
     * Settings for reading a text of this many chars. The buffer holds the whole text: snakeyaml-engine's
     * reader copies its window forward each time a token outgrows it, so with the default 1 KiB buffer a
     * single long token (a 5 MB comment line or string) cost time quadratic in its length.
     */
    private static LoadSettings settings(int length) {
        return LoadSettings.builder()
                .setSchema(new NoMergeCoreSchema())
                .setAllowDuplicateKeys(true)
                .setAllowRecursiveKeys(false)
                .setCodePointLimit(MAX_CODE_POINTS)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setBufferSize(Math.min(length, MAX_CODE_POINTS) + 2)
                .setUseMarks(true)
                .build();
    }

    /**
     * The YAML 1.2 core schema without its merge-key resolver. With it, snakeyaml-engine flattens
     * {@code <<} while composing, and a mapping that merges itself ({@code x: &x} then {@code <<: *x})
     * makes that flattening loop forever. Left as a plain {@code <<} key, merges are expanded by
     * {@link Converter}, which guards against recursion and marks merged entries as such.
     */
    private static final class NoMergeCoreSchema extends CoreSchema {
        @Override
        public ScalarResolver getScalarResolver() {
            return new CoreScalarResolver(false);
        }
    }

    /** YAML 1.1 timestamps as ruamel reads them; the regex runs only on what starts like a date. */
    private static boolean looksLikeTimestamp(String v) {
        return v.length() >= 8 && Character.isDigit(v.charAt(0)) && v.charAt(4) == '-' && TIMESTAMP.matcher(v).matches();
    }

    public YamlDocument load(String text) {
        LineIndex lines = new LineIndex(text);
        List<Diagnostic> problems = new ArrayList<>();
        if (text.length() > MAX_CODE_POINTS) {
            problems.add(Diagnostic.of(Rule.ANALYSIS_INCOMPLETE, Range.at(new Position(0, 0)),
                    "The file is " + text.length() + " characters long; this analysis reads YAML files of at most "
                            + MAX_CODE_POINTS + " characters, so it was not checked."));
            return new YamlDocument(lines, Optional.empty(), problems, false);
        }
        int depth = nestingDepth(text);
        if (depth > MAX_DEPTH) {
            problems.add(Diagnostic.of(Rule.YAML_TOO_DEEP, Range.at(new Position(0, 0)),
                    "Collections are nested " + depth + " levels deep; this analysis stops at " + MAX_DEPTH + "."));
            return new YamlDocument(lines, Optional.empty(), problems, false);
        }
        Optional<Node> composed;
        try {
            composed = new Compose(settings(text.length())).composeString(text);
        } catch (MarkedYamlEngineException e) {
            problems.add(syntaxError(lines, e));
            return new YamlDocument(lines, Optional.empty(), problems, false);
        } catch (YamlEngineException e) {
            // e.g. ReaderException for NUL and other characters YAML forbids; it carries no Mark.
            problems.add(Diagnostic.of(Rule.YAML_SYNTAX, readerErrorRange(lines, text), cleanMessage(e.getMessage())));
            return new YamlDocument(lines, Optional.empty(), problems, false);
        } catch (StackOverflowError e) {
            problems.add(Diagnostic.of(Rule.YAML_TOO_DEEP, Range.at(new Position(0, 0)),
                    "The file is nested too deeply to analyse."));
            return new YamlDocument(lines, Optional.empty(), problems, false);
        }
        if (composed.isEmpty()) {
            return new YamlDocument(lines, Optional.empty(), problems, false);
        }
        Converter converter = new Converter(lines, problems, 0, 0);
        YamlNode root = converter.convert(composed.get(), 0);
        boolean spliceable = problems.isEmpty() && !converter.crossReferences && lines.bmpOnly()
                && text.indexOf('\t') < 0 && !hasDirectivesOrMarkers(lines);
        return new YamlDocument(lines, Optional.of(root), problems, spliceable);
    }

    /**
     * The document after an edit: re-reads only the block the edit lies in when that is sure to give the
     * same tree as reading the whole text (see {@link YamlSplice}), else the whole text.
     */
    public YamlDocument reload(YamlDocument previous, String text) {
        return splice(previous, text).orElseGet(() -> load(text));
    }

    /** The document after an edit if re-reading one block gives it (cheap), else empty. */
    public Optional<YamlDocument> splice(YamlDocument previous, String text) {
        return YamlSplice.apply(this, previous, text);
    }

    /**
     * One block of a bigger text read on its own: its node, or the syntax error that stopped the read, or
     * neither (it holds something whose meaning reaches outside it, or could not be read at all).
     */
    record BlockRead(Optional<YamlNode> node, Optional<Diagnostic> syntaxError) {
        static final BlockRead NOTHING = new BlockRead(Optional.empty(), Optional.empty());
    }

    /**
     * One block of a bigger text read on its own, its ranges placed at {@code lineOffset} and
     * {@code charOffset} of {@code lines} (whole lines, so columns need no shift). The node only if it reads
     * cleanly and holds nothing whose meaning reaches outside it; the syntax error with its range in
     * {@code lines} (the caller knows whether a full read would stop at the same one; the block has no
     * characters outside the BMP, so its marks count chars).
     */
    BlockRead readBlock(String block, LineIndex lines, int lineOffset, int charOffset) {
        if (nestingDepth(block) > MAX_DEPTH) return BlockRead.NOTHING;
        Optional<Node> composed;
        try {
            composed = new Compose(settings(block.length())).composeString(block);
        } catch (MarkedYamlEngineException e) {
            // Without a problem mark the range would be the context's, which lies elsewhere in a full read.
            if (e.getProblemMark().isEmpty()) return BlockRead.NOTHING;
            return new BlockRead(Optional.empty(), Optional.of(syntaxError(lines, e, charOffset)));
        } catch (YamlEngineException | StackOverflowError e) {
            return BlockRead.NOTHING;
        }
        if (composed.isEmpty()) return BlockRead.NOTHING;
        List<Diagnostic> problems = new ArrayList<>();
        Converter converter = new Converter(lines, problems, lineOffset, charOffset);
        YamlNode root = converter.convert(composed.get(), 0);
        return problems.isEmpty() && !converter.crossReferences ? new BlockRead(Optional.of(root), Optional.empty()) : BlockRead.NOTHING;
    }

    /** Whether a full read of this text would get past the size and depth checks to the parser. */
    static boolean parserReads(String text) {
        return text.length() <= MAX_CODE_POINTS && nestingDepth(text) <= MAX_DEPTH;
    }

    /** `%` directives and `---` / `...` markers act on the whole stream, so a text with them is never spliced. */
    private static boolean hasDirectivesOrMarkers(LineIndex lines) {
        String text = lines.text();
        for (int i = 0; i < lines.lineCount(); i++) {
            int s = lines.lineStart(i);
            if (s < text.length() && (text.charAt(s) == '%' || text.startsWith("---", s) || text.startsWith("...", s))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Flow-collection depth, checked before the recursive parser sees the text. Block nesting needs an
     * indentation column per level, so it cannot get deep enough to matter before the file is huge; the
     * parser's own recursion is still guarded by catching StackOverflowError.
     */
    private static int nestingDepth(String text) {
        int bracket = text.indexOf('['), brace = text.indexOf('{');
        if (bracket < 0 && brace < 0) return 0; // no flow collection at all: skip the character loop
        int first = bracket < 0 ? brace : brace < 0 ? bracket : Math.min(bracket, brace);
        int depth = 0, max = 0;
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        return max;
    }

    private static Diagnostic syntaxError(LineIndex lines, MarkedYamlEngineException e) {
        return syntaxError(lines, e, -1);
    }

    /** @param charOffset where the text read starts in {@code lines} when it is a block of BMP chars, else -1 */
    private static Diagnostic syntaxError(LineIndex lines, MarkedYamlEngineException e, int charOffset) {
        Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
        Range range;
        if (mark == null) {
            range = Range.at(new Position(0, 0));
        } else {
            Position p = charOffset < 0 ? lines.positionOfCodePoint(mark.getIndex()) : lines.position(charOffset + mark.getIndex());
            int end = Math.min(lines.offset(p) + 1, lines.lineEnd(p.line()));
            range = new Range(p, lines.position(Math.max(end, lines.offset(p))));
        }
        String message = e.getProblem();
        if (message == null || message.isBlank()) {
            message = e.getContext();
        }
        message = cleanMessage(message);
        if (message.contains("expected a single document") || String.valueOf(e.getContext()).contains("expected a single document")) {
            return Diagnostic.of(Rule.YAML_MULTIPLE_DOCUMENTS, range,
                    "project.yaml must be a single YAML document, but another document starts here. Remove the `---` separator.");
        }
        if (message.contains("'\\t'") || message.contains("\\t(TAB)") || message.contains("TAB")) {
            message = message + " (YAML does not allow tabs for indentation; use spaces)";
        }
        String context = e.getContext();
        if (context != null && !context.isBlank() && !message.equals(cleanMessage(context))) {
            message = "YAML syntax error " + cleanMessage(context) + ": " + message;
        } else {
            message = "YAML syntax error: " + message;
        }
        return Diagnostic.of(Rule.YAML_SYNTAX, range, message);
    }

    private static Range readerErrorRange(LineIndex lines, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean printable = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7E) || c == 0x85
                    || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || Character.isSurrogate(c);
            if (!printable) {
                return lines.range(i, i + 1);
            }
        }
        return Range.at(new Position(0, 0));
    }

    private static String cleanMessage(String m) {
        if (m == null) return "invalid YAML";
        return m.replace("\n", " ").replaceAll("\\s+", " ").trim();
    }

    /** Converts the composed tree into ranged nodes, expanding merges and reporting duplicate keys. */
    private static final class Converter {
        private final LineIndex lines;
        private final List<Diagnostic> problems;
        private final Map<Node, YamlNode> done = new IdentityHashMap<>();
        private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();
        private final Map<Node, Boolean> reportedRecursion = new IdentityHashMap<>();
        private final int lineOffset;
        private final int charOffset;
        /** Whether an anchor, a merge key or a custom tag was met: their meaning can reach across blocks. */
        boolean crossReferences;

        Converter(LineIndex lines, List<Diagnostic> problems, int lineOffset, int charOffset) {
            this.lines = lines;
            this.problems = problems;
            this.lineOffset = lineOffset;
            this.charOffset = charOffset;
        }

        YamlNode convert(Node node, int depth) {
            // Only an anchored node can be reached twice (through an alias), so only those need the
            // identity maps; the rest, nearly every node of a real file, skip the hashing.
            boolean anchored = node.getAnchor().isPresent();
            crossReferences |= anchored;
            YamlNode cached = anchored ? done.get(node) : null;
            if (cached != null) {
                return cached;
            }
            Range range = range(node);
            if ((anchored && inProgress.containsKey(node)) || depth > MAX_DEPTH) {
                // A recursive alias: keep the analysis finite, and say why a part reads as empty.
                if (anchored && reportedRecursion.put(node, Boolean.TRUE) == null) reportRecursion(node, range);
                return new YamlScalar("", YamlScalar.Type.NULL, true, range);
            }
            if (anchored) inProgress.put(node, Boolean.TRUE);
            YamlNode result;
            if (node instanceof ScalarNode s) {
                result = scalar(s, range);
            } else if (node instanceof SequenceNode seq) {
                List<YamlNode> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    items.add(convert(item, depth + 1));
                }
                boolean flow = seq.getFlowStyle() == FlowStyle.FLOW;
                result = new YamlSequence(items, flow, flow || items.isEmpty() ? range
                        : new Range(range.start(), items.get(items.size() - 1).range().end()));
            } else {
                result = mapping((MappingNode) node, range, depth);
            }
            if (anchored) {
                inProgress.remove(node);
                done.put(node, result);
            }
            return result;
        }

        private YamlNode mapping(MappingNode m, Range range, int depth) {
            List<YamlMapping.Entry> explicit = new ArrayList<>();
            List<YamlMapping> merges = new ArrayList<>();
            Map<String, YamlMapping.Entry> seen = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                YamlNode key = convert(t.getKeyNode(), depth + 1);
                if (isMergeKey(t.getKeyNode())) {
                    crossReferences = true;
                    YamlNode v = convert(t.getValueNode(), depth + 1);
                    if (v instanceof YamlMapping vm) {
                        merges.add(vm);
                    } else if (v instanceof YamlSequence vs) {
                        for (YamlNode item : vs.items()) {
                            if (item instanceof YamlMapping im) merges.add(im);
                        }
                    }
                    continue;
                }
                YamlNode value = convert(t.getValueNode(), depth + 1);
                YamlMapping.Entry entry = new YamlMapping.Entry(key, value, false);
                String k = key instanceof YamlScalar ks ? ks.type() + ":" + ks.value() : null;
                if (k != null) {
                    YamlMapping.Entry first = seen.get(k);
                    if (first != null) {
                        reportDuplicate(first, entry);
                    } else {
                        seen.put(k, entry);
                    }
                }
                explicit.add(entry);
            }
            List<YamlMapping.Entry> entries = new ArrayList<>(explicit);
            // Merged keys never override explicit ones; earlier merges win over later ones (YAML merge semantics).
            for (YamlMapping merged : merges) {
                for (YamlMapping.Entry e : merged.entries()) {
                    String k = e.key() instanceof YamlScalar ks ? ks.type() + ":" + ks.value() : null;
                    if (k == null || seen.containsKey(k)) continue;
                    YamlMapping.Entry copy = new YamlMapping.Entry(e.key(), e.value(), true);
                    seen.put(k, copy);
                    entries.add(copy);
                }
            }
            boolean flow = m.getFlowStyle() == FlowStyle.FLOW;
            if (!flow && !explicit.isEmpty()) {
                // Block collections end where the next token starts; end them on their last value instead.
                range = new Range(range.start(), explicit.get(explicit.size() - 1).value().range().end());
            }
            return new YamlMapping(entries, flow, range);
        }

        /**
         * The composed tree keeps no place for the alias itself (it is the anchored node again), so the
         * warning sits on the first line of the anchored collection, which names the anchor.
         */
        private void reportRecursion(Node node, Range range) {
            String anchor = node.getAnchor().map(a -> a.getValue()).orElse("");
            Position start = range.start();
            Position lineEnd = lines.position(lines.lineEnd(start.line()));
            Range at = new Range(start, range.end().compareTo(lineEnd) < 0 ? range.end() : lineEnd);
            problems.add(Diagnostic.of(Rule.YAML_RECURSIVE_ALIAS, at,
                    "The collection anchored as '&" + anchor + "' contains an alias '*" + anchor
                            + "' to itself, so it would contain itself forever. The analysis reads that alias as empty; "
                            + "remove it or point it at another collection."));
        }

        private void reportDuplicate(YamlMapping.Entry first, YamlMapping.Entry again) {
            String key = first.keyText();
            Range firstRange = first.key().range();
            Range againRange = again.key().range();
            problems.add(Diagnostic.of(Rule.YAML_DUPLICATE_KEY, againRange,
                            "Duplicate key '" + key + "': it is already defined on line " + (firstRange.start().line() + 1)
                                    + ". OpenSAFELY rejects duplicate keys; remove or rename one.")
                    .withRelated(firstRange, "first definition of '" + key + "'"));
            problems.add(Diagnostic.of(Rule.YAML_DUPLICATE_KEY, firstRange,
                            "Key '" + key + "' is defined again on line " + (againRange.start().line() + 1)
                                    + ". OpenSAFELY rejects duplicate keys; remove or rename one.")
                    .withRelated(againRange, "second definition of '" + key + "'"));
        }

        private static boolean isMergeKey(Node key) {
            return key instanceof ScalarNode s && "<<".equals(s.getValue()) && s.getScalarStyle() == ScalarStyle.PLAIN;
        }

        private YamlScalar scalar(ScalarNode s, Range range) {
            boolean plain = s.getScalarStyle() == ScalarStyle.PLAIN;
            Tag tag = s.getTag();
            YamlScalar.Type type;
            if (tag.equals(Tag.NULL)) {
                type = YamlScalar.Type.NULL;
            } else if (tag.equals(Tag.BOOL)) {
                type = YamlScalar.Type.BOOL;
            } else if (tag.equals(Tag.INT)) {
                type = YamlScalar.Type.INT;
            } else if (tag.equals(Tag.FLOAT)) {
                type = YamlScalar.Type.FLOAT;
            } else if (tag.equals(Tag.STR)) {
                type = plain && looksLikeTimestamp(s.getValue()) ? YamlScalar.Type.TIMESTAMP : YamlScalar.Type.STRING;
            } else if (tag.getValue().equals("tag:yaml.org,2002:timestamp")) {
                type = YamlScalar.Type.TIMESTAMP;
            } else {
                type = YamlScalar.Type.CUSTOM_TAG;
                crossReferences = true;
            }
            return new YamlScalar(s.getValue(), type, plain, range);
        }

        private Range range(Node node) {
            Optional<Mark> startMark = node.getStartMark();
            Optional<Mark> endMark = node.getEndMark();
            Position start = startMark.map(this::position).orElse(new Position(0, 0));
            if (endMark.isEmpty()) return new Range(start, start);
            Position end = position(endMark.get());
            if (node instanceof ScalarNode && startMark.isPresent()) {
                end = trimTrailing(lines.utf16Offset(charOffset + startMark.get().getIndex()),
                        lines.utf16Offset(charOffset + endMark.get().getIndex()), end);
            }
            return new Range(start, end);
        }

        /**
         * A mark's line and column are code points on that line; without characters outside the BMP they are
         * the UTF-16 position already, which spares a search per node.
         */
        private Position position(Mark m) {
            return lines.bmpOnly() ? new Position(lineOffset + m.getLine(), m.getColumn())
                    : lines.positionOfCodePoint(charOffset + m.getIndex());
        }

        /** Block scalars end after their line breaks; a diagnostic reads better on the text itself. */
        private Position trimTrailing(int s, int e, Position end) {
            String text = lines.text();
            if (e <= s || e > text.length() || !Character.isWhitespace(text.charAt(e - 1))) return end;
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            return lines.position(e);
        }
    }
}
