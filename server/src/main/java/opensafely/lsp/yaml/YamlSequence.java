package opensafely.lsp.yaml;

import java.util.List;
import opensafely.lsp.text.Range;

public record YamlSequence(List<YamlNode> items, boolean flow, Range range) implements YamlNode {
    @Override
    public String describe() {
        return "a list";
    }
}
