package opensafely.lsp.pipeline;

import java.util.List;
import java.util.OptionalDouble;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** The shape of the file: a mapping with {@code version}, {@code actions} and perhaps {@code expectations}. */
final class TopLevelRules implements PipelineRule {
    static final List<String> KEYS = List.of("version", "actions", "expectations");

    @Override
    public void check(Project project, RuleContext ctx) {
        YamlMapping root = project.root();
        if (root == null) {
            if (project.yaml().root().isPresent()) {
                YamlNode r = project.yaml().root().get();
                ctx.report(Rule.YAML_NOT_MAPPING, r.range(),
                        "project.yaml must be a mapping with `version` and `actions`, but this is " + r.describe() + ".");
            } else if (project.yaml().problems().isEmpty()) {
                ctx.report(Rule.YAML_NOT_MAPPING, Range.at(new Position(0, 0)),
                        "project.yaml is empty: it must be a mapping with `version` and `actions`.");
            }
            return;
        }
        for (YamlMapping.Entry e : root.entries()) {
            String key = e.keyText();
            if (!(e.key() instanceof YamlScalar)) {
                ctx.report(Rule.YAML_NOT_MAPPING, e.key().range(), "Top-level keys of project.yaml must be strings.");
            } else if (!e.keyIsString()) {
                ctx.report(Rule.YAML_NOT_MAPPING, e.key().range(),
                        "Top-level key '" + key + "' is " + e.key().describe() + "; keys of project.yaml must be strings.");
            } else if (!KEYS.contains(key)) {
                unknownKey(ctx, e);
            }
        }
        version(root, project.version(), ctx);
        actions(root, ctx);
    }

    private static void unknownKey(RuleContext ctx, YamlMapping.Entry e) {
        // A common mistake: an action indented one level too little lands at the top level.
        if (e.value() instanceof YamlMapping m && (m.has("run") || m.has("outputs"))) {
            ctx.report(Rule.UNKNOWN_TOP_LEVEL_KEY, e.key().range(),
                    "'" + e.keyText() + "' looks like an action but is at the top level; indent it under `actions:`.");
            return;
        }
        KeyFixes.unknown(ctx, Rule.UNKNOWN_TOP_LEVEL_KEY, e.key(), "top-level key", "", KEYS);
    }

    private static void version(YamlMapping root, ProjectVersion version, RuleContext ctx) {
        YamlMapping.Entry entry = root.entry("version").orElse(null);
        if (entry == null || entry.value() instanceof YamlScalar s && s.isNull()) {
            Range at = entry != null ? entry.key().range() : firstKeyRange(root);
            ctx.report(Diagnostic.of(Rule.VERSION_MISSING, at,
                    "project.yaml must have a `version` saying which format it uses; the latest is 5."));
            return;
        }
        YamlNode node = entry.value();
        OptionalDouble v = node instanceof YamlScalar s ? PythonNumbers.toFloat(s) : OptionalDouble.empty();
        if (v.isEmpty()) {
            ctx.report(Rule.VERSION_NOT_NUMBER, node.range(),
                    "`version` must be a number between 1 and 5, but it is " + describe(node) + ".");
            return;
        }
        double value = v.getAsDouble();
        if (value > ProjectVersion.LATEST) {
            ctx.report(Diagnostic.of(Rule.VERSION_TOO_NEW, node.range(),
                            "The latest project.yaml version is 5, but this file says " + version.pythonRepr() + ".")
                    .withFix(Fix.replace("Change to version 5", node.range(), "5")));
            return;
        }
        if (value != ProjectVersion.LATEST) {
            ctx.report(Diagnostic.of(Rule.VERSION_OUTDATED, node.range(),
                    "This project uses the old format version " + version.pythonRepr()
                            + "; the latest is 5. Consider updating (version 5 rejects `:latest` images and cohort-extractor).")
                    .withSeverity(Severity.WARNING));
        }
    }

    private static void actions(YamlMapping root, RuleContext ctx) {
        YamlMapping.Entry entry = root.entry("actions").orElse(null);
        if (entry == null) {
            ctx.report(Rule.ACTIONS_NOT_MAPPING, firstKeyRange(root),
                    "project.yaml must have an `actions` section mapping action names to actions.");
        } else if (!(entry.value() instanceof YamlMapping)) {
            YamlNode v = entry.value();
            Range at = v instanceof YamlScalar s && s.isNull() ? entry.key().range() : v.range();
            ctx.report(Rule.ACTIONS_NOT_MAPPING, at,
                    "`actions` must be a mapping from action names to actions, but it is " + v.describe() + ".");
        }
    }

    static Range firstKeyRange(YamlMapping m) {
        return m.entries().isEmpty() ? Range.at(m.range().start()) : m.entries().get(0).key().range();
    }

    static String describe(YamlNode node) {
        if (node instanceof YamlScalar s && s.type() != YamlScalar.Type.NULL) {
            return s.describe() + " ('" + s.value() + "')";
        }
        return node.describe();
    }
}
