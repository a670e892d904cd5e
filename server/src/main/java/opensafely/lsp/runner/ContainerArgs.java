package opensafely.lsp.runner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The words a job's container gets after its image, as job-runner's action specification builds them from
 * project.yaml: the `run:` words, then {@code --config <json>} when the action has a `config:`, then, for the
 * legacy {@code cohortextractor:<v> generate_cohort} only, the dummy-data and output-dir options it always added.
 */
public final class ContainerArgs {
    private ContainerArgs() {
    }

    /**
     * The run words followed by {@code --config} and the JSON, its single quotes written {@code \u0027}: project.yaml's
     * run string gets {@code --config '<json>'} appended before it is shell-split, and the escape keeps a quote in
     * the JSON from ending the shell word (JSON reads {@code \u0027} back as the quote).
     */
    public static List<String> of(JobCommand command) {
        List<String> out = new ArrayList<>(command.args());
        command.config().ifPresent(json -> {
            out.add("--config");
            out.add(json.replace("'", "\\u0027"));
        });
        return List.copyOf(out);
    }

    /**
     * What {@code cohortextractor generate_cohort} gets appended on a local run (tooling.md §2.4), for the runner to
     * add to {@link JobCommand#args()} when it builds the command: {@code --dummy-data-file=<file>} when the action
     * has {@code dummy_data_file}, else {@code --expectations-population=<n>}; then {@code --output-dir=<dir>} when
     * every output lies in one folder ({@code .} for the study root). Empty for any other command.
     *
     * @param outputPaths the action's declared output paths or patterns, as written in project.yaml
     */
    public static List<String> cohortextractorAppends(String image, List<String> args, Optional<String> dummyDataFile,
            int populationSize, Collection<String> outputPaths) {
        if (!image.equals("cohortextractor") || args.isEmpty() || !args.get(0).equals("generate_cohort")) return List.of();
        List<String> out = new ArrayList<>();
        out.add(dummyDataFile.map(f -> "--dummy-data-file=" + f).orElse("--expectations-population=" + populationSize));
        Set<String> dirs = new LinkedHashSet<>();
        for (String p : outputPaths) {
            int slash = p.lastIndexOf('/');
            dirs.add(slash < 0 ? "." : p.substring(0, slash));
        }
        if (dirs.size() == 1) out.add("--output-dir=" + dirs.iterator().next());
        return List.copyOf(out);
    }
}
