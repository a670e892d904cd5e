package opensafely.lsp.pipeline;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;
import opensafely.lsp.yaml.YamlSequence;

/** The project.yaml edit that adds actions to another's needs: the fix of a failed run and of a script's read. */
public final class NeedsEdit {
    private NeedsEdit() {
    }

    /**
     * The edit that adds {@code names} to the action's needs: into a flow list ({@code needs: [a]} → {@code [a, b]}),
     * as items of a block list, or a new {@code needs: [b]} line above the action's first key. None for shapes
     * where an edit could misplace text (a flow-style action, a needs that is not a list).
     */
    public static Optional<TextEdit> addNeeds(Action action, List<String> names, LineIndex lines) {
        YamlMapping body = action.body();
        if (body == null || body.flow() || body.entries().isEmpty()) return Optional.empty();
        String joined = String.join(", ", names);
        Optional<YamlNode> needs = action.get("needs");
        if (needs.isEmpty()) {
            Position first = body.entries().get(0).key().range().start();
            String indent = " ".repeat(first.character());
            if (!lines.lineText(first.line()).substring(0, first.character()).isBlank()) return Optional.empty();
            Position lineStart = new Position(first.line(), 0);
            return Optional.of(new TextEdit(new Range(lineStart, lineStart), indent + "needs: [" + joined + "]\n"));
        }
        if (!(needs.get() instanceof YamlSequence seq)) {
            if (needs.get() instanceof YamlScalar s && s.isNull()) {
                Range r = s.range();
                if (r.start().equals(r.end())) return Optional.of(new TextEdit(r, " [" + joined + "]"));
            }
            return Optional.empty();
        }
        if (seq.items().isEmpty()) {
            return seq.flow() ? Optional.of(new TextEdit(seq.range(), "[" + joined + "]")) : Optional.empty();
        }
        Position end = seq.items().get(seq.items().size() - 1).range().end();
        if (seq.flow()) return Optional.of(new TextEdit(new Range(end, end), ", " + joined));
        Position lastStart = seq.items().get(seq.items().size() - 1).range().start();
        String prefix = lines.lineText(lastStart.line()).substring(0, lastStart.character()); // "    - "
        if (!prefix.strip().equals("-")) return Optional.empty();
        StringBuilder sb = new StringBuilder();
        for (String n : names) sb.append('\n').append(prefix).append(n);
        return Optional.of(new TextEdit(new Range(end, end), sb.toString()));
    }
}
