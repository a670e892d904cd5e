package opensafely.lsp.runner;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.text.Range;

/**
 * What the editor shows above each action of project.yaml: "▶ Run" (the action; its dependencies only when their
 * outputs are missing or failed, as {@code run ACTION}), "Run with dependencies" ({@code run -f ACTION}), and the
 * last run's state ("succeeded 3 min ago", "failed: exit 1", "never run"), which runs nothing.
 */
public final class RunLenses {
    /**
     * One lens.
     *
     * @param actions what it runs (empty: it only shows a state)
     * @param force   run the dependencies again
     */
    public record Lens(Range range, String title, List<String> actions, boolean force) {
        public Lens {
            actions = List.copyOf(actions);
        }

        public boolean runs() {
            return !actions.isEmpty();
        }
    }

    private RunLenses() {
    }

    /** The lenses of every action of a parsed project.yaml, on its name, given the study's run state at {@code now}. */
    public static List<Lens> of(Project project, RunState state, Instant now) {
        List<Lens> out = new ArrayList<>();
        for (Action a : project.actions()) {
            if (a.name() == null || !a.nameIsString() || "run_all".equals(a.name())) continue;
            Range at = a.nameNode().range();
            out.add(new Lens(at, "▶ Run", List.of(a.name()), false));
            out.add(new Lens(at, "Run with dependencies", List.of(a.name()), true));
            out.add(new Lens(at, stateText(state.last(a.name()), now), List.of(), false));
        }
        return out;
    }

    /**
     * "never run", "succeeded 3 min ago", "failed: exit 1, 2 h ago", "failed: an output pattern matched nothing, just now";
     * "succeeded 3 min ago (opensafely run)" when the last job was opensafely run's.
     */
    public static String stateText(Optional<JobRecord> last, Instant now) {
        if (last.isEmpty()) return "never run";
        JobRecord j = last.get();
        String when = ago(j.completedAt() != null ? j.completedAt() : j.startedAt(), now);
        String by = j.origin() == null ? "" : " (" + j.origin() + ")"; // a job of opensafely run's, from metadata/db.sqlite
        if (j.succeeded()) return "succeeded" + (when.isEmpty() ? "" : " " + when) + by;
        String why = j.exitCode() != null && j.exitCode() != 0 ? "exit " + j.exitCode()
                : j.statusMessage() != null && !j.statusMessage().isBlank() ? j.statusMessage() : String.valueOf(j.statusCode());
        return "failed: " + why + (when.isEmpty() ? "" : ", " + when) + by;
    }

    /** "just now", "3 min ago", "2 h ago", "4 days ago"; empty when the time cannot be read. */
    static String ago(String iso, Instant now) {
        if (iso == null) return "";
        Instant then;
        try {
            then = Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return "";
        }
        long seconds = Math.max(0, Duration.between(then, now).getSeconds());
        if (seconds < 60) return "just now";
        if (seconds < 3600) return (seconds / 60) + " min ago";
        if (seconds < 86400) return (seconds / 3600) + " h ago";
        long days = seconds / 86400;
        return days + (days == 1 ? " day ago" : " days ago");
    }
}
