package opensafely.lsp.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;
import opensafely.lsp.yaml.YamlSequence;

/** An action's `run:` as the {@link JobCommand} an executor runs: image, version, the words after, `config:` as compact JSON. */
final class RunCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunCommands() {
    }

    /**
     * @param populationSize project.yaml's expectations.population_size (cohort-extractor's generate_cohort gets it
     *                       when the action has no dummy_data_file, as job-runner appends it)
     */
    static JobCommand of(String jobId, Action action, int populationSize) {
        RunCommand run = action.run();
        String image = run == null ? "" : run.image();
        String version = run == null || run.tag() == null ? "" : run.tag();
        List<String> args = new java.util.ArrayList<>(run == null ? List.of() : run.args().stream().map(RunCommand.Word::value).toList());
        Optional<String> dummyDataFile = action.get("dummy_data_file")
                .filter(n -> n instanceof YamlScalar s && s.isString()).map(n -> ((YamlScalar) n).value());
        args.addAll(ContainerArgs.cohortextractorAppends(image, args, dummyDataFile, populationSize,
                action.outputs().stream().map(o -> o.path()).filter(java.util.Objects::nonNull).toList()));
        Optional<String> config = action.get("config").filter(n -> !(n instanceof YamlScalar s && s.isNull())).map(n -> {
            try {
                return JSON.writeValueAsString(json(n)); // ContainerArgs escapes it for the command line
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return "{}";
            }
        });
        return new JobCommand(jobId, action.name(), image, version, args, config);
    }

    /** The YAML value as JSON: scalars keep their YAML type (an int stays a number, a bool a boolean). */
    static JsonNode json(YamlNode n) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (n instanceof YamlMapping m) {
            ObjectNode o = f.objectNode();
            for (YamlMapping.Entry e : m.entries()) o.set(e.keyText(), json(e.value()));
            return o;
        }
        if (n instanceof YamlSequence s) {
            ArrayNode a = f.arrayNode();
            s.items().forEach(i -> a.add(json(i)));
            return a;
        }
        if (n instanceof YamlScalar s) {
            try {
                return switch (s.type()) {
                    case NULL -> f.nullNode();
                    case BOOL -> f.booleanNode(s.value().equalsIgnoreCase("true"));
                    case INT -> f.numberNode(new java.math.BigInteger(s.value()));
                    case FLOAT -> f.numberNode(new java.math.BigDecimal(s.value()));
                    default -> f.textNode(s.value());
                };
            } catch (NumberFormatException e) {
                return f.textNode(s.value()); // 0x1F, 1_000, .inf: kept as written
            }
        }
        return f.nullNode();
    }
}
