package opensafely.lsp.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Map<String, Action> byName = project.actionsByName();
        for (Action action : project.actions()) {
            Set<String> seen = new HashSet<>();
            for (NeedsEntry entry : action.needs()) {
                String name = entry.name();
                if (name == null) {
                    ctx.report(Rule.NEEDS_NOT_STRING, entry.node().range(),
                            "`needs` entries must be action names, but this is " + TopLevelRules.describe(entry.node()) + ".");
                    continue;
                }
                if (name.contains(" ")) {
                    ctx.report(Rule.NEEDS_COMMA_SEPARATED, entry.node().range(),
                            "'" + name + "' contains a space: separate the actions in `needs` with commas, e.g. `needs: ["
                                    + String.join(", ", name.trim().split(" +")) + "]`.");
                    continue;
                }
                if (!byName.containsKey(name)) {
                    unknown(ctx, action, entry, name, byName.keySet());
                } else if (name.equals(action.name())) {
                    ctx.report(Rule.NEEDS_SELF, entry.node().range(),
                            "Action '" + name + "' needs itself; remove it from its own `needs`.");
                }
                if (!seen.add(name)) {
                    ctx.report(Rule.NEEDS_DUPLICATE, entry.node().range(), "'" + name + "' is already listed in `needs`.");
                }
            }
        }
        cycles(project, byName, ctx);
    }

    private static void unknown(RuleContext ctx, Action action, NeedsEntry entry, String name, Set<String> names) {
        Optional<String> suggestion = DidYouMean.closest(name, names);
        Diagnostic d = Diagnostic.of(Rule.NEEDS_UNKNOWN_ACTION, entry.node().range(),
                "Action '" + action.name() + "' needs '" + name + "', which is not an action in this file."
                        + DidYouMean.suffix(suggestion));
        if (suggestion.isPresent() && entry.node() instanceof YamlScalar s && s.plain()) {
            d = d.withFix(Fix.replace("Change to '" + suggestion.get() + "'", s.range(), suggestion.get()));
        }
        ctx.report(d);
    }

    /** Reports every needs entry that lies on a cycle, with one cycle through it spelled out. */
    private static void cycles(Project project, Map<String, Action> byName, RuleContext ctx) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (Action a : byName.values()) {
            List<String> targets = new ArrayList<>();
            for (String n : a.needNames()) {
                if (byName.containsKey(n) && !n.equals(a.name())) targets.add(n);
            }
            graph.put(a.name(), targets);
        }
        Map<String, Integer> component = new Scc(graph).components();
        for (Action a : byName.values()) {
            for (NeedsEntry entry : a.needs()) {
                String target = entry.name();
                if (target == null || target.equals(a.name()) || !graph.containsKey(target)) continue;
                Integer c = component.get(a.name());
                if (c == null || !c.equals(component.get(target))) continue;
                List<String> back = path(graph, component, target, a.name());
                List<String> cycle = new ArrayList<>();
                cycle.add(a.name());
                cycle.addAll(back);
                ctx.report(Rule.NEEDS_CYCLE, entry.node().range(),
                        "Dependency cycle: " + String.join(" -> ", cycle) + ". OpenSAFELY cannot schedule actions that need each other.");
            }
        }
    }

    /** A shortest path from one action to another within their strongly connected component. */
    private static List<String> path(Map<String, List<String>> graph, Map<String, Integer> comp, String from, String to) {
        Map<String, String> parent = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add(from);
        parent.put(from, from);
        while (!queue.isEmpty()) {
            String cur = queue.poll();
            if (cur.equals(to)) break;
            for (String next : graph.getOrDefault(cur, List.of())) {
                if (!parent.containsKey(next) && java.util.Objects.equals(comp.get(next), comp.get(from))) {
                    parent.put(next, cur);
                    queue.add(next);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String cur = to; ; cur = parent.get(cur)) {
            out.add(0, cur);
            if (cur.equals(from) || !parent.containsKey(cur)) break;
        }
        return out;
    }

    /** Tarjan's strongly connected components, iterative so deep pipelines cannot overflow the stack. */
    private static final class Scc {
        private final Map<String, List<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Map<String, Integer> comp = new HashMap<>();
        private final ArrayDeque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private int counter;
        private int components;

        Scc(Map<String, List<String>> graph) {
            this.graph = graph;
        }

        Map<String, Integer> components() {
            for (String v : graph.keySet()) {
                if (!index.containsKey(v)) visit(v);
            }
            // Singletons are not cycles (self-needs are reported separately).
            Map<Integer, Integer> sizes = new HashMap<>();
            comp.values().forEach(c -> sizes.merge(c, 1, Integer::sum));
            Map<String, Integer> out = new HashMap<>();
            comp.forEach((v, c) -> {
                if (sizes.get(c) > 1) out.put(v, c);
            });
            return out;
        }

        private void visit(String root) {
            ArrayDeque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {root, 0});
            index.put(root, counter);
            low.put(root, counter++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                int i = (Integer) frame[1];
                List<String> edges = graph.getOrDefault(v, List.of());
                if (i < edges.size()) {
                    frame[1] = i + 1;
                    String w = edges.get(i);
                    if (!index.containsKey(w)) {
                        index.put(w, counter);
                        low.put(w, counter++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        String parent = (String) work.peek()[0];
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            comp.put(w, components);
                        } while (!w.equals(v));
                        components++;
                    }
                }
            }
        }
    }
}
