package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The actions as a graph of what needs what, numbered in file order so that the rules can work on arrays
 * instead of maps of names: they run on every edit, over projects of thousands of actions.
 *
 * <p>Only the first definition of a name is a node (duplicates are reported by the YAML layer), and an
 * edge is a {@code needs} entry naming another existing action, in the order written.
 */
final class NeedsGraph {
    private final Map<String, Integer> numbers;
    private final List<String> names;
    private final List<Action> actions;
    private final int[][] edges;

    private NeedsGraph(Map<String, Integer> numbers, List<String> names, List<Action> actions, int[][] edges) {
        this.numbers = numbers;
        this.names = names;
        this.actions = actions;
        this.edges = edges;
    }

    static NeedsGraph of(Project project) {
        Map<String, Integer> numbers = new HashMap<>(project.actions().size() * 2);
        List<String> names = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        for (Action a : project.actions()) {
            if (a.name() != null && numbers.putIfAbsent(a.name(), names.size()) == null) {
                names.add(a.name());
                actions.add(a);
            }
        }
        int[][] edges = new int[names.size()][];
        int[] buffer = new int[8];
        for (int v = 0; v < edges.length; v++) {
            Action a = actions.get(v);
            int count = 0;
            for (NeedsEntry entry : a.needs()) {
                String target = entry.name();
                if (target == null || target.equals(a.name())) continue;
                Integer w = numbers.get(target);
                if (w == null) continue;
                if (count == buffer.length) buffer = Arrays.copyOf(buffer, count * 2);
                buffer[count++] = w;
            }
            edges[v] = Arrays.copyOf(buffer, count);
        }
        return new NeedsGraph(numbers, List.copyOf(names), List.copyOf(actions), edges);
    }

    int size() {
        return names.size();
    }

    /** The number of the action with this name, or -1 when there is none. */
    int number(String name) {
        Integer n = numbers.get(name);
        return n == null ? -1 : n;
    }

    /** Action names in file order, without repeats. */
    List<String> names() {
        return names;
    }

    String name(int v) {
        return names.get(v);
    }

    /** The first definition of each name, in file order. */
    Action action(int v) {
        return actions.get(v);
    }

    /**
     * The strongly connected component of each action, or -1 for an action on no cycle (a component of one:
     * self-needs are not edges). Tarjan's algorithm, iterative so deep pipelines cannot overflow the stack.
     */
    int[] cycleComponents() {
        int n = size();
        int[] index = new int[n];
        Arrays.fill(index, -1);
        int[] low = new int[n];
        int[] component = new int[n];
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int stackSize = 0;
        int[] frameNode = new int[n];
        int[] frameEdge = new int[n];
        int counter = 0;
        int components = 0;
        int[] sizes = new int[n];
        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) continue;
            int depth = 0;
            frameNode[0] = root;
            frameEdge[0] = 0;
            index[root] = low[root] = counter++;
            stack[stackSize++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int v = frameNode[depth];
                int i = frameEdge[depth];
                if (i < edges[v].length) {
                    frameEdge[depth] = i + 1;
                    int w = edges[v][i];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[stackSize++] = w;
                        onStack[w] = true;
                        depth++;
                        frameNode[depth] = w;
                        frameEdge[depth] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                } else {
                    depth--;
                    if (depth >= 0) {
                        int parent = frameNode[depth];
                        low[parent] = Math.min(low[parent], low[v]);
                    }
                    if (low[v] == index[v]) {
                        int w;
                        do {
                            w = stack[--stackSize];
                            onStack[w] = false;
                            component[w] = components;
                            sizes[components]++;
                        } while (w != v);
                        components++;
                    }
                }
            }
        }
        for (int v = 0; v < n; v++) {
            if (sizes[component[v]] < 2) component[v] = -1;
        }
        return component;
    }

    /** The names on a shortest path from one action to another, both included, within their component. */
    List<String> path(int[] component, int from, int to) {
        int[] parent = new int[size()];
        Arrays.fill(parent, -1);
        int[] queue = new int[size()];
        int head = 0;
        int tail = 0;
        queue[tail++] = from;
        parent[from] = from;
        while (head < tail) {
            int cur = queue[head++];
            if (cur == to) break;
            for (int next : edges[cur]) {
                if (parent[next] < 0 && component[next] == component[from]) {
                    parent[next] = cur;
                    queue[tail++] = next;
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int cur = to; ; cur = parent[cur]) {
            out.add(names.get(cur));
            if (cur == from || parent[cur] < 0) break;
        }
        java.util.Collections.reverse(out); // walked backwards; adding at the front would be quadratic
        return out;
    }
}
