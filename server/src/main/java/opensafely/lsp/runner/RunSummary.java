package opensafely.lsp.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The console summary after a run, in the layout of tooling spec §2.7: one block per finished job, failed ones
 * last, those that never started because a dependency failed left out (their dependency's block says why). For
 * GitHub Actions each block is a folded {@code ::group::} with the action's name in bold.
 */
public final class RunSummary {
    private static final int MAX_LISTED = 10;

    private RunSummary() {
    }

    public static List<String> lines(List<JobResult> results, boolean github) {
        List<JobResult> ordered = new ArrayList<>();
        results.stream().filter(r -> r.succeeded()).forEach(ordered::add);
        results.stream().filter(r -> !r.succeeded() && !r.dependencyFailed()).forEach(ordered::add);
        List<String> out = new ArrayList<>();
        for (JobResult r : ordered) {
            if (github) out.add("::group::" + r.action());
            out.add(github ? "\u001b[1m=> " + r.action() + "\u001b[0m" : "=> " + r.action());
            block(r, out);
            if (github) out.add("::endgroup::");
        }
        return out;
    }

    private static void block(JobResult r, List<String> out) {
        for (String l : r.message().split("\n")) out.add("   " + l);
        if (!r.unmatched().isEmpty() && !r.undeclared().isEmpty()) {
            out.add("   Did you mean to match one of these files instead?");
            List<String> files = new ArrayList<>(r.suggestions().values().stream().distinct().toList());
            r.undeclared().stream().filter(f -> !files.contains(f)).forEach(files::add);
            files.stream().limit(MAX_LISTED).forEach(f -> out.add("    - " + f));
            if (files.size() > MAX_LISTED) out.add("    ... and " + (files.size() - MAX_LISTED) + " more");
        }
        if (r.hint() != null) out.add("   hint: " + r.hint());
        out.add("   log file: " + r.logFile());
        out.add("   outputs:");
        if (r.outputs().isEmpty()) out.add("     (no outputs)");
        r.outputs().forEach((p, level) -> out.add("     " + p + "  - " + level));
        if (!r.invalid().isEmpty()) {
            out.add("   invalid moderately_sensitive outputs:");
            for (Map.Entry<String, String> e : r.invalid().entrySet()) out.add("     " + e.getKey() + "  - " + e.getValue());
        }
        if (!r.disclosure().isEmpty()) {
            out.add("   for the output checkers (warnings: redact or round before you ask for a release):");
            r.disclosure().forEach((p, lines) -> lines.forEach(l -> out.add("     " + p + ":" + l)));
        }
        if (r.succeeded() && !r.undeclared().isEmpty()) {
            out.add("   discarded (written, but matched by no output pattern):");
            r.undeclared().stream().limit(MAX_LISTED).forEach(f -> out.add("     " + f));
            if (r.undeclared().size() > MAX_LISTED) out.add("     ... and " + (r.undeclared().size() - MAX_LISTED) + " more");
        }
        if (r.exitCode() != null && r.exitCode() != 0 && !r.logTail().isEmpty()) {
            out.add("   logs (truncated):");
            r.logTail().forEach(l -> out.add("     " + l));
        }
    }
}
