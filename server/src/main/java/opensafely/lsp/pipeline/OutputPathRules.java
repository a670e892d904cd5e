package opensafely.lsp.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** {@code outputs}: at least one privacy level, known levels only, and every path a valid pattern. */
final class OutputPathRules implements PipelineRule {
    private static final PrivacyLevel[] IN_ORDER = PrivacyLevel.values();
    private static final List<String> LEVELS = Arrays.stream(IN_ORDER).map(PrivacyLevel::key).toList();
    /** Hashing the key (its hash is kept in the string) beats comparing it with each level in turn. */
    private static final Map<String, PrivacyLevel> BY_KEY =
            Arrays.stream(IN_ORDER).collect(Collectors.toUnmodifiableMap(PrivacyLevel::key, l -> l));

    @Override
    public void check(Project project, RuleContext ctx) {
        for (Action action : project.actions()) {
            YamlMapping.Entry outputsEntry = action.entry("outputs").orElse(null);
            if (outputsEntry == null || !(outputsEntry.value() instanceof YamlMapping outputs)) continue;
            String id = action.name();
            // The first entry of each level (as YamlMapping.get finds it), found in one pass over the outputs.
            YamlMapping.Entry[] levels = new YamlMapping.Entry[IN_ORDER.length];
            boolean anyLevel = false;
            for (YamlMapping.Entry e : outputs.entries()) {
                PrivacyLevel level = level(e.keyText());
                if (level != null && levels[level.ordinal()] == null) {
                    levels[level.ordinal()] = e;
                    anyLevel |= !(e.value() instanceof YamlScalar s && s.isNull());
                }
            }
            if (!anyLevel) {
                ctx.report(Rule.OUTPUTS_NO_PRIVACY_LEVEL, outputsEntry.key().range(),
                        "Outputs of action '" + id + "' must be declared under at least one of highly_sensitive, "
                                + "moderately_sensitive, minimally_sensitive.");
            }
            for (YamlMapping.Entry e : outputs.entries()) {
                if (level(e.keyText()) == null || !e.keyIsString()) {
                    KeyFixes.unknown(ctx, Rule.UNKNOWN_OUTPUTS_KEY, e.key(), "privacy level", " in the outputs of '" + id + "'", LEVELS);
                }
            }
            for (PrivacyLevel level : IN_ORDER) {
                YamlMapping.Entry levelEntry = levels[level.ordinal()];
                if (levelEntry == null || levelEntry.value() instanceof YamlScalar s && s.isNull()) continue;
                if (!(levelEntry.value() instanceof YamlMapping files)) {
                    ctx.report(Rule.PRIVACY_LEVEL_NOT_MAPPING, levelEntry.value().range(),
                            "`" + level.key() + "` of action '" + id + "' must map output names to paths (e.g. `dataset: output/dataset.csv`), but it is "
                                    + levelEntry.value().describe() + ".");
                    continue;
                }
                for (YamlMapping.Entry file : files.entries()) {
                    checkPath(ctx, id, level, file);
                }
            }
        }
    }

    /** The level a key of {@code outputs} names, or null. */
    private static PrivacyLevel level(String key) {
        return BY_KEY.get(key);
    }

    private static void checkPath(RuleContext ctx, String id, PrivacyLevel level, YamlMapping.Entry file) {
        YamlNode v = file.value();
        if (!(v instanceof YamlScalar s) || !s.isString()) {
            ctx.report(Rule.OUTPUT_NOT_STRING, v instanceof YamlScalar n && n.isNull() ? file.key().range() : v.range(),
                    "Output '" + file.keyText() + "' of action '" + id + "' must be a path, but it is " + TopLevelRules.describe(v) + ".");
            return;
        }
        OutputPath.Problem problem = OutputPath.check(s.value(), level);
        if (problem == null) return;
        Rule rule = switch (problem.rule()) {
            case BACKSLASH -> Rule.OUTPUT_PATH_BACKSLASH;
            case WILDCARD -> Rule.OUTPUT_PATH_WILDCARD;
            case NO_EXTENSION -> Rule.OUTPUT_PATH_NO_EXTENSION;
            case EXTENSION_NOT_ALLOWED -> Rule.OUTPUT_PATH_EXTENSION_NOT_ALLOWED;
            case NOT_NORMAL -> Rule.OUTPUT_PATH_NOT_NORMAL;
            case METADATA -> Rule.OUTPUT_PATH_METADATA;
            case ABSOLUTE -> Rule.OUTPUT_PATH_ABSOLUTE;
        };
        ctx.report(rule, s.range(), "Output path '" + s.value() + "' " + problem.reason() + ".");
    }
}
