package opensafely.lsp.pipeline;

import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/**
 * {@code expectations}: required (with a whole-number population_size) at exactly version 3, forbidden from
 * version 4, and ignored otherwise.
 */
final class ExpectationsRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
        YamlMapping root = project.root();
        if (!project.version().stated()) return; // version rules already speak; don't guess at version-gated ones
        YamlMapping.Entry entry = root.entry("expectations").orElse(null);
        boolean present = entry != null && !(entry.value() instanceof YamlScalar s && s.isNull());
        ProjectVersion v = project.version();
        if (v.cohortExtractorRemoved()) {
            if (present) {
                Range r = new Range(entry.key().range().start(), entry.value().range().end());
                ctx.report(Diagnostic.of(Rule.EXPECTATIONS_UNSUPPORTED, entry.key().range(),
                                "`expectations` is not allowed from version 4; it only served cohort-extractor and can be removed.")
                        .withFix(new Fix("Remove the expectations section", List.of(new TextEdit(wholeLines(project, r), "")))));
            }
            return;
        }
        if (!v.expectationsRequired()) {
            if (present) {
                ctx.report(Rule.EXPECTATIONS_IGNORED, entry.key().range(),
                        "Only version 3 reads `expectations`; at version " + v.pythonRepr() + " dummy data always has 1000 patients.");
            }
            return;
        }
        if (!present) {
            Range at = entry != null ? entry.key().range() : TopLevelRules.firstKeyRange(root);
            Diagnostic d = Diagnostic.of(Rule.EXPECTATIONS_MISSING, at,
                    "A version 3 project must have `expectations` with a `population_size` for dummy data.");
            if (entry == null) {
                Position end = project.yaml().lines().position(project.yaml().lines().text().length());
                String prefix = end.character() == 0 ? "" : "\n";
                d = d.withFix(Fix.replace("Add expectations with population_size: 1000", Range.at(end),
                        prefix + "\nexpectations:\n  population_size: 1000\n"));
            }
            ctx.report(d);
            return;
        }
        if (!(entry.value() instanceof YamlMapping m)) {
            ctx.report(Rule.EXPECTATIONS_NOT_MAPPING, entry.value().range(),
                    "`expectations` must be a mapping such as `population_size: 1000`, but it is " + entry.value().describe() + ".");
            return;
        }
        YamlMapping.Entry size = m.entry("population_size").orElse(null);
        if (size == null) {
            Diagnostic d = Diagnostic.of(Rule.EXPECTATIONS_MISSING_POPULATION_SIZE, entry.key().range(),
                    "`expectations` must include `population_size`, the number of dummy patients.");
            if (!m.flow() && !m.entries().isEmpty()) {
                YamlNode firstKey = m.entries().get(0).key();
                Position at = new Position(firstKey.range().start().line(), 0);
                d = d.withFix(Fix.replace("Add population_size: 1000", Range.at(at),
                        " ".repeat(firstKey.range().start().character()) + "population_size: 1000\n"));
            }
            ctx.report(d);
        }
        for (YamlMapping.Entry e : m.entries()) {
            if (!"population_size".equals(e.keyText())) {
                KeyFixes.unknown(ctx, Rule.UNKNOWN_EXPECTATIONS_KEY, e.key(), "key", " in `expectations`", List.of("population_size"));
            }
        }
        if (size != null) {
            YamlNode value = size.value();
            boolean ok = value instanceof YamlScalar s && PythonNumbers.toInt(s).isPresent();
            if (!ok && value instanceof YamlScalar s && s.type() == YamlScalar.Type.FLOAT && s.value().toLowerCase().contains("inf")) {
                ctx.report(Rule.POPULATION_SIZE_NOT_INTEGER, value.range(), "`population_size` must be a whole number such as 1000, not infinity.");
            } else if (!ok) {
                ctx.report(Rule.POPULATION_SIZE_NOT_INTEGER, value instanceof YamlScalar s && s.isNull() ? size.key().range() : value.range(),
                        "`population_size` must be a whole number such as 1000, but it is " + TopLevelRules.describe(value) + ".");
            }
        }
    }

    /** Extends a range to whole lines, so removing a section leaves no blank indentation behind. */
    private static Range wholeLines(Project project, Range r) {
        var lines = project.yaml().lines();
        int endLine = r.end().character() == 0 ? r.end().line() : r.end().line() + 1;
        return new Range(new Position(r.start().line(), 0), lines.position(lines.lineStart(endLine)));
    }
}
