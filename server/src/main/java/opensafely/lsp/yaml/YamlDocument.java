package opensafely.lsp.yaml;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.LineIndex;

/**
 * The result of loading a YAML text: never an exception. {@code root} is empty when the text could not be
 * parsed (the reasons are in {@code problems}) or is empty.
 *
 * @param spliceable whether an edit of this text may be re-read one block at a time ({@link YamlSplice}):
 *     the text parsed without problems and uses nothing whose meaning reaches across blocks (anchors,
 *     aliases, merge keys, tags, directives, document markers, tabs) or outside the BMP
 */
public record YamlDocument(LineIndex lines, Optional<YamlNode> root, List<Diagnostic> problems, boolean spliceable) {

    public boolean hasSyntaxError() {
        return root.isEmpty() && !problems.isEmpty();
    }
}
