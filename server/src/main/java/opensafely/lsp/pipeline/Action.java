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
 * @param needs the needs entries, when {@code needs} is a list
 * @param outputs every output, levels in the fixed order highly, moderately, minimally, then file order
 */
public record Action(String name, YamlNode nameNode, YamlNode value, YamlMapping body, RunCommand run,
                     List<NeedsEntry> needs, List<Output> outputs) {

    /** An action from its nodes. The needs and outputs are derived once: nearly every rule reads them. */
    public static Action of(String name, YamlNode nameNode, YamlNode value, YamlMapping body, RunCommand run) {
        List<NeedsEntry> needs = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        if (body != null) {
            if (body.get("needs").orElse(null) instanceof YamlSequence seq) {
                for (YamlNode item : seq.items()) needs.add(new NeedsEntry(item));
            }
            if (body.get("outputs").orElse(null) instanceof YamlMapping levels) {
                for (PrivacyLevel level : PrivacyLevel.values()) {
                    if (levels.get(level.key()).orElse(null) instanceof YamlMapping m) {
                        for (YamlMapping.Entry e : m.entries()) outputs.add(new Output(level, e.keyText(), e.key(), e.value()));
                    }
                }
            }
        }
        return new Action(name, nameNode, value, body, run, List.copyOf(needs), List.copyOf(outputs));
    }

    public Optional<YamlMapping.Entry> entry(String key) {
        return body == null ? Optional.empty() : body.entry(key);
    }

    public Optional<YamlNode> get(String key) {
        return body == null ? Optional.empty() : body.get(key);
    }

    public Optional<RunCommand> runCommand() {
        return Optional.ofNullable(run);
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

    public boolean nameIsString() {
        return nameNode instanceof YamlScalar s && s.isString();
    }
}
