package opensafely.lsp.features;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlScalar;

/** The outline of a project.yaml: version, each action (with its outputs), expectations. */
final class ProjectSymbols {

    List<Symbol> symbols(Project project) {
        if (!project.parsed()) return List.of();
        LineIndex lines = project.yaml().lines();
        List<Symbol> out = new ArrayList<>();
        for (YamlMapping.Entry e : project.root().entries()) {
            if (e.merged() || e.keyText() == null) continue;
            String key = e.keyText();
            if (key.equals("actions")) {
                for (Action a : project.actions()) out.add(action(a, lines));
            } else {
                String detail = e.value() instanceof YamlScalar s ? s.value() : null;
                out.add(new Symbol(key, detail, Symbol.Kind.KEY, span(e.key().range(), e.value().range()),
                        e.key().range(), List.of()));
            }
        }
        return out;
    }

    private static Symbol action(Action a, LineIndex lines) {
        List<Symbol> children = new ArrayList<>();
        for (Output o : a.outputs()) {
            if (o.nameNode().range().start().compareTo(a.nameNode().range().start()) < 0) continue; // merged from elsewhere
            children.add(new Symbol(o.name() == null ? "?" : o.name(), o.level().key() + ": " + (o.path() == null ? "" : o.path()),
                    Symbol.Kind.VARIABLE, span(o.nameNode().range(), o.pathNode().range()), o.nameNode().range(), List.of()));
        }
        String detail = a.run() != null ? a.run().raw().strip() : null;
        return new Symbol(a.name() == null ? "?" : a.name(), detail, Symbol.Kind.ACTION,
                span(a.nameNode().range(), a.value().range()), NodeLocator.innerRange(a.nameNode(), lines), children);
    }

    /** From a key to the end of its value; LSP requires the selection range inside the full range. */
    private static Range span(Range key, Range value) {
        return new Range(key.start(), value.end().compareTo(key.end()) > 0 ? value.end() : key.end());
    }
}
