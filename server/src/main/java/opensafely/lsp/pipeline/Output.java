package opensafely.lsp.pipeline;

import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** One declared output: its privacy level, its name, and the node of its path pattern. */
public record Output(PrivacyLevel level, String name, YamlNode nameNode, YamlNode pathNode) {
    /** The path, or null when the value is not a string. */
    public String path() {
        return pathNode instanceof YamlScalar s && s.isString() ? s.value() : null;
    }
}
