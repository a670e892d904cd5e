package opensafely.lsp.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * Re-reads one block of a YAML text after an edit instead of the whole text.
 *
 * <p>Why: a 1,200-action project.yaml is a megabyte; reading it whole takes tens of milliseconds and
 * allocates tens of megabytes, on every keystroke. An edit nearly always stays inside one entry of a
 * block mapping under the root (one action of {@code actions:}). Such an entry, its key line and every
 * line down to the next key of that mapping, reads on its own exactly as it does in place, provided
 * nothing in it reaches outside: no line less indented than its key, no tabs, anchors, aliases, merge
 * keys, tags or directives (the previous text had none either: {@link YamlDocument#spliceable()}).
 * When any condition fails the caller reads the whole text, so the result is always the same tree (the
 * tests compare both on real projects).
 *
 * <p>The end of the text, where a new action is typed, also gives the same <em>syntax error</em> as a full
 * read, so typing there need not read the megabyte above either (nearly every keystroke of a new action makes
 * a text that does not parse: {@code   new_act} before its colon, a half-typed {@code needs: [a}). Why the
 * first error of the block read alone is the first error of the whole text, when the block is the last entry
 * of its mapping and runs to the end of the text ({@link #errorIsTheWholeTextsError}):
 * <ul>
 *   <li>the text before the block is the previous text's, which parsed cleanly, and it ends at a line break
 *       before a line that still starts with the same indentation and key and its {@code :} indicator
 *       (unchanged, and followed by a space, a line break or the end): the scanner decides where the tokens
 *       before the block end from that line's indentation and first character only, so a full read makes
 *       the same tokens up to the block, with no error;</li>
 *   <li>there the full read is inside the block mapping at the key's column, expecting a key, with a
 *       simple key required at that column; the block read alone starts its own block mapping at that same
 *       column with the same key. No line of the block with content is less indented than that column
 *       (comments and blank lines make no tokens), so neither read ever unwinds past it before the end of
 *       the text, which both reach together: they make the same tokens and events, and stop at the same
 *       first error, with the same problem and context text and the same problem position;</li>
 *   <li>what a full read checks before parsing (the size, the flow nesting depth counted over the whole
 *       text, characters YAML forbids) is checked on the whole text, or found in the block alike; the
 *       previous text had no anchors, so an alias in the block is undefined in both reads.</li>
 * </ul>
 * A block that is not at the end gives no such promise (an unclosed quote in it may close in the text
 * below, which the block read never sees), so there an error still means a full read.
 */
final class YamlSplice {
    private YamlSplice() {
    }

    /** Where the edit lies: in entry {@code index} of the mapping that is the value of root entry {@code rootIndex}. */
    private record Site(int rootIndex, YamlMapping mapping, int index, int blockStart, int blockEnd) {
    }

    static Optional<YamlDocument> apply(YamlLoader loader, YamlDocument previous, String text) {
        if (!previous.spliceable() || !(previous.root().orElse(null) instanceof YamlMapping root) || root.flow()) {
            return Optional.empty();
        }
        LineIndex oldLines = previous.lines();
        String old = oldLines.text();
        int prefix = commonPrefix(old, text);
        if (prefix == old.length() && prefix == text.length()) return Optional.of(previous);
        int suffix = commonSuffix(old, text, prefix);
        int oldEnd = old.length() - suffix;
        int newEnd = text.length() - suffix;
        Site site = find(root, oldLines, prefix, oldEnd).orElse(null);
        if (site == null) return Optional.empty();
        int delta = text.length() - old.length();
        int blockEnd = site.blockEnd() + delta;
        String block = text.substring(site.blockStart(), blockEnd);
        int column = site.mapping().entries().get(0).key().range().start().character();
        if (!staysInside(block, column, blockEnd == text.length())) return Optional.empty();
        LineIndex lines = oldLines.edited(text, prefix, oldEnd, newEnd);
        int firstLine = lines.position(site.blockStart()).line();
        YamlLoader.BlockRead blockRead = loader.readBlock(block, lines, firstLine, site.blockStart());
        if (blockRead.syntaxError().isPresent()) {
            if (!errorIsTheWholeTextsError(site, oldLines, text, prefix, block, blockEnd)) return Optional.empty();
            return Optional.of(new YamlDocument(lines, Optional.empty(), List.of(blockRead.syntaxError().get()), false));
        }
        YamlMapping read = blockRead.node().orElse(null) instanceof YamlMapping m && !m.flow() ? m : null;
        if (read == null || read.entries().isEmpty()) return Optional.empty();
        for (YamlMapping.Entry e : read.entries()) {
            if (e.key().range().start().character() != column) return Optional.empty();
        }
        if (site.index() == 0 && !read.entries().get(0).key().range().start()
                .equals(site.mapping().entries().get(0).key().range().start())) {
            return Optional.empty(); // the mapping starts at its first key, which moved (say, it became a comment)
        }
        int lineShift = lines.lineCount() - oldLines.lineCount();
        List<YamlMapping.Entry> entries = new ArrayList<>(site.mapping().entries().size() + read.entries().size());
        List<YamlMapping.Entry> before = site.mapping().entries();
        entries.addAll(before.subList(0, site.index()));
        entries.addAll(read.entries());
        for (YamlMapping.Entry e : before.subList(site.index() + 1, before.size())) {
            entries.add(shift(e, lineShift));
        }
        if (repeatsKey(entries, site.index(), read.entries().size())) return Optional.empty(); // the full read reports both places
        YamlMapping mapping = new YamlMapping(entries, false, blockRange(site.mapping().range().start(), entries));
        List<YamlMapping.Entry> rootEntries = new ArrayList<>(root.entries().size());
        for (int i = 0; i < root.entries().size(); i++) {
            YamlMapping.Entry e = root.entries().get(i);
            if (i < site.rootIndex()) rootEntries.add(e);
            else if (i == site.rootIndex()) rootEntries.add(new YamlMapping.Entry(e.key(), mapping, false));
            else rootEntries.add(shift(e, lineShift));
        }
        YamlMapping newRoot = new YamlMapping(rootEntries, false, blockRange(root.range().start(), rootEntries));
        return Optional.of(new YamlDocument(lines, Optional.of(newRoot), List.of(), true));
    }

    /**
     * Whether the syntax error that stopped the read of the block alone is the one a full read of the text
     * stops at (the argument is in the class comment): the block is the last entry of the text and runs to
     * its end, its key line is unchanged up to and including the {@code :} after the key, which is still
     * followed by a space, a line break or the end, it has no characters outside the BMP (its marks count
     * chars), and a full read would not stop before parsing (size, nesting).
     */
    private static boolean errorIsTheWholeTextsError(Site site, LineIndex oldLines, String text, int prefix, String block,
                                                     int blockEnd) {
        if (blockEnd != text.length()) return false;
        YamlNode key = site.mapping().entries().get(site.index()).key();
        if (!(key instanceof YamlScalar) || key.range().start().line() != key.range().end().line()) return false;
        String old = oldLines.text();
        int colon = oldLines.offset(key.range().end());
        while (colon < old.length() && old.charAt(colon) == ' ') colon++;
        if (colon >= old.length() || old.charAt(colon) != ':' || prefix <= colon) return false;
        int after = colon + 1;
        if (after < text.length() && " \n\r".indexOf(text.charAt(after)) < 0) return false;
        for (int i = 0; i < block.length(); i++) {
            if (Character.isSurrogate(block.charAt(i))) return false;
        }
        return YamlLoader.parserReads(text);
    }

    /** The entry whose block holds all of {@code [from, to)}, its first character unchanged. */
    private static Optional<Site> find(YamlMapping root, LineIndex lines, int from, int to) {
        List<YamlMapping.Entry> rootEntries = root.entries();
        for (int r = 0; r < rootEntries.size(); r++) {
            if (!(rootEntries.get(r).value() instanceof YamlMapping m) || m.flow() || m.entries().isEmpty()) continue;
            int mapStart = blockStart(lines, m.entries().get(0));
            int mapEnd = r + 1 < rootEntries.size() ? blockStart(lines, rootEntries.get(r + 1)) : lines.text().length();
            if (from <= mapStart || to > mapEnd) continue;
            List<YamlMapping.Entry> entries = m.entries();
            for (int i = 0; i < entries.size(); i++) {
                int start = blockStart(lines, entries.get(i));
                int end = i + 1 < entries.size() ? blockStart(lines, entries.get(i + 1)) : mapEnd;
                if (start < from && to <= end) return Optional.of(new Site(r, m, i, start, end));
            }
        }
        return Optional.empty();
    }

    private static int blockStart(LineIndex lines, YamlMapping.Entry e) {
        return lines.lineStart(e.key().range().start().line());
    }

    /**
     * Whether the block can be read on its own: it ends at a line break (or the end of the text), and
     * every line with content is at least as indented as the block's keys. Comment and blank lines
     * may sit anywhere.
     */
    private static boolean staysInside(String block, int column, boolean atEnd) {
        if (block.indexOf('\t') >= 0) return false;
        if (!atEnd && !block.endsWith("\n") && !block.endsWith("\r")) return false;
        int i = 0;
        while (i < block.length()) {
            int indent = 0;
            while (i + indent < block.length() && block.charAt(i + indent) == ' ') indent++;
            int c = i + indent;
            if (c < block.length()) {
                char ch = block.charAt(c);
                boolean empty = ch == '\n' || ch == '\r' || ch == '#';
                if (!empty && indent < column) return false;
            }
            int next = block.indexOf('\n', c);
            int cr = block.indexOf('\r', c);
            if (cr >= 0 && (next < 0 || cr < next)) next = cr;
            if (next < 0) break;
            i = next + 1;
        }
        return true;
    }

    /**
     * Whether one of the {@code count} re-read entries from {@code from} has the key of another entry. Only
     * those can: the other keys were unique (the previous text had no problems), and a key repeated inside
     * the block is a problem of the block's own read.
     */
    private static boolean repeatsKey(List<YamlMapping.Entry> entries, int from, int count) {
        for (int r = from; r < from + count; r++) {
            if (!(entries.get(r).key() instanceof YamlScalar key)) continue;
            for (int i = 0; i < entries.size(); i++) {
                if ((i < from || i >= from + count) && entries.get(i).key() instanceof YamlScalar other
                        && other.type() == key.type() && other.value().equals(key.value())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A block mapping ends on its last value, as {@link YamlLoader} makes it. */
    private static Range blockRange(Position start, List<YamlMapping.Entry> entries) {
        return new Range(start, entries.get(entries.size() - 1).value().range().end());
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) i++;
        return i;
    }

    /** The common suffix, not overlapping the common prefix in either text. */
    private static int commonSuffix(String a, String b, int prefix) {
        int n = Math.min(a.length(), b.length()) - prefix;
        int i = 0;
        while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) i++;
        return i;
    }

    private static YamlMapping.Entry shift(YamlMapping.Entry e, int lines) {
        return lines == 0 ? e : new YamlMapping.Entry(shift(e.key(), lines), shift(e.value(), lines), e.merged());
    }

    /** The same node some whole lines further down. */
    private static YamlNode shift(YamlNode node, int lines) {
        Range r = node.range();
        Range moved = new Range(new Position(r.start().line() + lines, r.start().character()),
                new Position(r.end().line() + lines, r.end().character()));
        if (node instanceof YamlScalar s) {
            return new YamlScalar(s.value(), s.type(), s.plain(), moved);
        }
        if (node instanceof YamlSequence seq) {
            List<YamlNode> items = new ArrayList<>(seq.items().size());
            for (YamlNode item : seq.items()) items.add(shift(item, lines));
            return new YamlSequence(items, seq.flow(), moved);
        }
        YamlMapping m = (YamlMapping) node;
        List<YamlMapping.Entry> entries = new ArrayList<>(m.entries().size());
        for (YamlMapping.Entry e : m.entries()) entries.add(shift(e, lines));
        return new YamlMapping(entries, m.flow(), moved);
    }
}
