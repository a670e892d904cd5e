package opensafely.lsp.runner;

import java.util.List;
import java.util.Optional;

/**
 * What one job runs, as project.yaml's `run:` line says it: the image name and version (`python`, `v2`), the
 * words after the image (`python analysis/model.py`), and the action's `config:` as compact JSON when it has one
 * (appended as `--config '<json>'`, as opensafely run does). Executors turn it into a process or a container.
 *
 * @param jobId   unique per job (names the container, the volume, the temporary workspace)
 * @param action  the action's name in project.yaml
 * @param image   the image name before the colon (`ehrql`, `python`, `r`, `stata-mp`, `cohortextractor`, ...)
 * @param version the image version after the colon (`v1`, `v2`, `latest`, `dev`)
 * @param args    the words after the image, shell-split as project.yaml's `run:` is
 * @param config  the action's `config:` mapping as compact JSON, if it has one
 */
public record JobCommand(String jobId, String action, String image, String version, List<String> args, Optional<String> config) {
    public JobCommand {
        args = List.copyOf(args);
    }

    /** The first argument (`generate-dataset`, `python`, `Rscript`, ...), or "" when there is none. */
    public String command() {
        return args.isEmpty() ? "" : args.get(0);
    }
}
