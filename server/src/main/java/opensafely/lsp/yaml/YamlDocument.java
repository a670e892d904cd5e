package opensafely.lsp.yaml;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.LineIndex;

/**
 * The result of loading a YAML text: never an exception. {@code root} is empty when the text could not be
 * parsed (the reasons are in {@code problems}) or is empty.
 */
public record YamlDocument(LineIndex lines, Optional<YamlNode> root, List<Diagnostic> problems) {

    public boolean hasSyntaxError() {
        return root.isEmpty() && !problems.isEmpty();
    }
}
