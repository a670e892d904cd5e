package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.workspace.StudyFolder;

/**
 * What the study folder's project.yaml says about the cohort-extractor actions, read through the same parser
 * as the pipeline rules (so run commands folded over several lines and commented-out actions are seen as
 * OpenSAFELY sees them). Every question answers "cannot tell" when the file is missing or unreadable.
 */
final class StudyPipeline {
    private final Project project;

    private StudyPipeline(Project project) {
        this.project = project;
    }

    static StudyPipeline read(StudyFolder folder) {
        return new StudyPipeline(ProjectOnDisk.read(folder).orElse(null));
    }

    boolean known() {
        return project != null;
    }

    /** A cohort-extractor command (generate_cohort, generate_measures...) of an action, or null. */
    private static RunCommand cohortextractor(Action a, String command) {
        RunCommand run = a.run();
        if (run == null || !run.parsed()) return null;
        String image = run.image();
        if (!image.equals("cohortextractor") && !image.endsWith("/cohortextractor")) return null;
        return run.command().equals(command) ? run : null;
    }

    /** Whether some action's run string might be a cohort-extractor command we could not read. */
    private boolean unreadable(String command) {
        for (Action a : project.actions()) {
            RunCommand run = a.run();
            if (run == null && a.get("run").isPresent()) return true; // not a string: cannot tell what it runs
            if (run != null && !run.parsed() && run.raw().contains(command)) return true;
        }
        return false;
    }

    /**
     * The study definitions (file names without .py) that generate_cohort actions run, or empty when that
     * cannot be told: no readable project.yaml, no generate_cohort action, or one without --study-definition
     * (which runs every study definition).
     */
    Optional<Set<String>> cohortStudies() {
        if (project == null || unreadable("generate_cohort")) return Optional.empty();
        Set<String> used = new HashSet<>();
        for (Action a : project.actions()) {
            RunCommand run = cohortextractor(a, "generate_cohort");
            if (run == null) continue;
            Optional<RunCommand.Word> w = run.option("--study-definition");
            if (w.isEmpty() || w.get().value().isEmpty()) return Optional.empty();
            used.add(w.get().value().replaceFirst("\\.py$", ""));
        }
        return used.isEmpty() ? Optional.empty() : Optional.of(used);
    }

    /**
     * Whether the generate_measures actions of this study certainly read only what its own generate_cohort
     * actions wrote: there is at least one, and no action it needs (other than a generate_cohort of the same
     * study definition) writes into the folder it reads. Otherwise an action such as a cohort joiner may add
     * columns to the files, and a measure column the study does not define may well be there.
     */
    boolean measuresReadOwnCohortOnly(String stem) {
        if (project == null || unreadable("generate_measures")) return false;
        Map<String, Action> byName = project.actionsByName();
        List<Action> measures = new ArrayList<>();
        for (Action a : project.actions()) {
            RunCommand run = cohortextractor(a, "generate_measures");
            if (run == null) continue;
            Optional<RunCommand.Word> w = run.option("--study-definition");
            String study = w.map(x -> x.value().replaceFirst("\\.py$", "")).orElse(null);
            if (study == null || study.isEmpty()) return false; // runs the measures of every study: cannot tell
            if (study.equals(stem)) measures.add(a);
        }
        if (measures.isEmpty()) return false;
        for (Action m : measures) {
            String dir = m.run().option("--output-dir").map(RunCommand.Word::value).orElse("output");
            dir = normalise(dir);
            for (String need : m.needNames()) {
                Action n = byName.get(need);
                if (n == null) return false;
                RunCommand cohort = cohortextractor(n, "generate_cohort");
                if (cohort != null && cohort.option("--study-definition").map(x -> x.value().replaceFirst("\\.py$", ""))
                        .filter(stem::equals).isPresent()) {
                    continue;
                }
                for (Output o : n.outputs()) {
                    String path = o.path();
                    if (path == null || dir.isEmpty() || normalise(path).startsWith(dir + "/")) return false;
                }
            }
        }
        return true;
    }

    private static String normalise(String path) {
        String p = path.trim();
        while (p.startsWith("./")) p = p.substring(2);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }
}
