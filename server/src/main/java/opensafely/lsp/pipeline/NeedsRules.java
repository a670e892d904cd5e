package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.yaml.YamlScalar;

/**
 * {@code needs}: names of existing actions, comma-separated, and no action that (transitively) needs itself,
 * which OpenSAFELY's scheduler would recurse on forever.
 */
final class NeedsRules implements PipelineRule {

    @Override
    public void check(Project project, RuleContext ctx) {
        NeedsGraph graph = NeedsGraph.of(project);
        // Which action last listed each known name, to find repeats without a set per action.
        int[] listedBy = new int[graph.size()];
        Arrays.fill(listedBy, -1);
        int ordinal = 0;
        for (Action action : project.actions()) {
            ordinal++;
            Set<String> unknownSeen = null;
            for (NeedsEntry entry : action.needs()) {
                String name = entry.name();
                if (name == null) {
                    ctx.report(Rule.NEEDS_NOT_STRING, entry.node().range(),
                            "`needs` entries must be action names, but this is " + TopLevelRules.describe(entry.node()) + ".");
                    continue;
                }
                if (name.indexOf(' ') >= 0) {
                    ctx.report(Rule.NEEDS_COMMA_SEPARATED, entry.node().range(),
                            "'" + name + "' contains a space: separate the actions in `needs` with commas, e.g. `needs: ["
                                    + String.join(", ", name.trim().split(" +")) + "]`.");
                    continue;
                }
                int target = graph.number(name);
                boolean repeated;
                if (target < 0) {
                    unknown(ctx, action, entry, name, graph.names());
                    if (unknownSeen == null) unknownSeen = new HashSet<>();
                    repeated = !unknownSeen.add(name);
                } else {
                    if (name.equals(action.name())) {
                        ctx.report(Rule.NEEDS_SELF, entry.node().range(),
                                "Action '" + name + "' needs itself; remove it from its own `needs`.");
                    }
                    repeated = listedBy[target] == ordinal;
                    listedBy[target] = ordinal;
                }
                if (repeated) {
                    ctx.report(Rule.NEEDS_DUPLICATE, entry.node().range(), "'" + name + "' is already listed in `needs`.");
                }
            }
        }
        cycles(graph, ctx);
    }

    private static void unknown(RuleContext ctx, Action action, NeedsEntry entry, String name, List<String> names) {
        Optional<String> suggestion = DidYouMean.closest(name, names);
        Diagnostic d = Diagnostic.of(Rule.NEEDS_UNKNOWN_ACTION, entry.node().range(),
                "Action '" + action.name() + "' needs '" + name + "', which is not an action in this file."
                        + DidYouMean.suffix(suggestion));
        if (suggestion.isPresent() && entry.node() instanceof YamlScalar s && s.plain()) {
            d = d.withFix(Fix.replace("Change to '" + suggestion.get() + "'", s.range(), suggestion.get()));
        }
        ctx.report(d);
    }

    /** A cycle longer than this is named by its ends, so that one message stays one readable line. */
    static final int CYCLE_NAMES_SHOWN = 8;

    /**
     * {@code a -> b -> c -> a}; a long cycle keeps its first and last steps and counts the rest
     * ({@code a -> b -> c -> d -> e -> … 1,990 more … -> y -> a}). Written in full, a 2,000-action cycle
     * reported on each of its 2,000 entries made a report of 35 MB.
     */
    static String spelled(List<String> cycle) {
        if (cycle.size() <= CYCLE_NAMES_SHOWN) return String.join(" -> ", cycle);
        int head = CYCLE_NAMES_SHOWN - 3;
        int tail = 2;
        int hidden = cycle.size() - head - tail;
        return String.join(" -> ", cycle.subList(0, head)) + " -> … " + String.format(java.util.Locale.ROOT, "%,d", hidden)
                + " more … -> " + String.join(" -> ", cycle.subList(cycle.size() - tail, cycle.size()));
    }

    /** Reports every needs entry that lies on a cycle, with one cycle through it spelled out. */
    private static void cycles(NeedsGraph graph, RuleContext ctx) {
        int[] component = graph.cycleComponents();
        for (int v = 0; v < graph.size(); v++) {
            if (component[v] < 0) continue;
            Action a = graph.action(v);
            for (NeedsEntry entry : a.needs()) {
                String name = entry.name();
                if (name == null || name.equals(a.name())) continue;
                int target = graph.number(name);
                if (target < 0 || component[target] != component[v]) continue;
                List<String> cycle = new ArrayList<>();
                cycle.add(a.name());
                cycle.addAll(graph.path(component, target, v));
                ctx.report(Rule.NEEDS_CYCLE, entry.node().range(),
                        "Dependency cycle: " + spelled(cycle) + ". OpenSAFELY cannot schedule actions that need each other.");
            }
        }
    }
}
