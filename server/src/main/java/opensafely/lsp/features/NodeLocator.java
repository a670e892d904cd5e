package opensafely.lsp.features;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;
import opensafely.lsp.yaml.YamlSequence;

/** Finds what a position points at in a parsed YAML tree: the node, and the keys leading to it. */
final class NodeLocator {

    /**
     * @param path the keys from the root to the mapping holding the node; a sequence item adds "-"
     * @param node the innermost node containing the position
     * @param onKey whether the node is a mapping key (then {@code path} ends with the mapping's own parents)
     */
    record Hit(List<String> path, YamlNode node, boolean onKey) {
        String last() {
            return path.isEmpty() ? null : path.get(path.size() - 1);
        }

        /** The action name when the hit is inside {@code actions.<name>}. */
        String actionName() {
            return path.size() >= 2 && path.get(0).equals("actions") ? path.get(1) : null;
        }
    }

    private NodeLocator() {
    }

    static Hit locate(YamlNode root, Position pos) {
        List<String> path = new ArrayList<>();
        YamlNode node = root;
        while (true) {
            if (node instanceof YamlMapping m) {
                YamlNode next = null;
                for (YamlMapping.Entry e : m.entries()) {
                    if (e.merged()) continue; // merged entries sit at their anchor, found through the original
                    if (e.key().range().contains(pos) && e.key() instanceof YamlScalar) {
                        return new Hit(path, e.key(), true);
                    }
                    if (e.value().range().contains(pos) && !isEmptyAt(e.value(), pos)) {
                        path.add(e.keyText() == null ? "?" : e.keyText());
                        next = e.value();
                        break;
                    }
                }
                if (next == null) return new Hit(path, node, false);
                node = next;
            } else if (node instanceof YamlSequence s) {
                YamlNode next = null;
                for (YamlNode item : s.items()) {
                    if (item.range().contains(pos)) {
                        next = item;
                        break;
                    }
                }
                if (next == null) return new Hit(path, node, false);
                path.add("-");
                node = next;
            } else {
                return new Hit(path, node, false);
            }
        }
    }

    /** An empty (null) value has a zero-width range that would otherwise swallow the position after it. */
    private static boolean isEmptyAt(YamlNode n, Position pos) {
        return n instanceof YamlScalar s && s.isNull() && s.range().start().equals(s.range().end()) && s.value().isEmpty();
    }

    /**
     * The range of a scalar's text without its quotes, which is what a rename replaces. Falls back to the
     * whole range when the scalar is not a simple one-line quoted string.
     */
    static Range innerRange(YamlNode node, LineIndex lines) {
        Range r = node.range();
        if (!(node instanceof YamlScalar s) || s.plain()) return r;
        int start = lines.offset(r.start());
        int end = lines.offset(r.end());
        String text = lines.text();
        if (end - start >= 2 && r.start().line() == r.end().line()) {
            char q = text.charAt(start);
            if ((q == '"' || q == '\'') && text.charAt(end - 1) == q) {
                return lines.range(start + 1, end - 1);
            }
        }
        return r;
    }
}
