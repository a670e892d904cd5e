package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;
import opensafely.lsp.yaml.YamlSequence;

/**
 * One action as written: its name and the raw nodes of its keys, with typed views where the value has
 * the right type. Rules check the raw nodes; features use the typed views.
 *
 * @param body the action's mapping, or null when the value is not a mapping
 * @param run the parsed run command, when {@code run} is a string
 */
public record Action(String name, YamlNode nameNode, YamlNode value, YamlMapping body, RunCommand run) {

    public Optional<YamlMapping.Entry> entry(String key) {
        return body == null ? Optional.empty() : body.entry(key);
    }

    public Optional<YamlNode> get(String key) {
        return body == null ? Optional.empty() : body.get(key);
    }

    public Optional<RunCommand> runCommand() {
        return Optional.ofNullable(run);
    }

    /** The needs entries, when {@code needs} is a list. */
    public List<NeedsEntry> needs() {
        List<NeedsEntry> out = new ArrayList<>();
        if (get("needs").orElse(null) instanceof YamlSequence seq) {
            for (YamlNode item : seq.items()) out.add(new NeedsEntry(item));
        }
        return out;
    }

    /** The names of the actions this one needs (string entries only). */
    public List<String> needNames() {
        List<String> out = new ArrayList<>();
        for (NeedsEntry n : needs()) {
            if (n.name() != null) out.add(n.name());
        }
        return out;
    }

    /** The privacy-level mapping of a level, when present and a mapping. */
    public Optional<YamlMapping> level(PrivacyLevel level) {
        if (get("outputs").orElse(null) instanceof YamlMapping outputs
                && outputs.get(level.key()).orElse(null) instanceof YamlMapping m) {
            return Optional.of(m);
        }
        return Optional.empty();
    }

    /** Every output, levels in the fixed order highly, moderately, minimally, then file order. */
    public List<Output> outputs() {
        List<Output> out = new ArrayList<>();
        for (PrivacyLevel level : PrivacyLevel.values()) {
            level(level).ifPresent(m -> {
                for (YamlMapping.Entry e : m.entries()) {
                    out.add(new Output(level, e.keyText(), e.key(), e.value()));
                }
            });
        }
        return out;
    }

    public boolean nameIsString() {
        return nameNode instanceof YamlScalar s && s.isString();
    }
}
