package opensafely.lsp.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.text.Range;

/**
 * A mapping in file order. Duplicate keys are kept (and reported by the loader) so that analysis can go
 * on; lookups return the first entry with a key.
 */
public record YamlMapping(List<Entry> entries, boolean flow, Range range) implements YamlNode {

    /** A key and its value. {@code merged} is true for entries that came in through a {@code <<} merge key. */
    public record Entry(YamlNode key, YamlNode value, boolean merged) {
        /** The key as text, or null for a non-scalar key. */
        public String keyText() {
            return key instanceof YamlScalar s ? s.value() : null;
        }

        public boolean keyIsString() {
            return key instanceof YamlScalar s && s.type() == YamlScalar.Type.STRING;
        }
    }

    public Optional<Entry> entry(String key) {
        for (Entry e : entries) {
            if (key.equals(e.keyText())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public Optional<YamlNode> get(String key) {
        return entry(key).map(Entry::value);
    }

    public boolean has(String key) {
        return entry(key).isPresent();
    }

    public List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.keyText());
        }
        return out;
    }

    @Override
    public String describe() {
        return "a mapping";
    }
}
