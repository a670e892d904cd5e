package opensafely.lsp.pipeline;

import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** One item of an action's {@code needs} list. */
public record NeedsEntry(YamlNode node) {
    /** The action name, or null when the item is not a string. */
    public String name() {
        return node instanceof YamlScalar s && s.isString() ? s.value() : null;
    }
}
