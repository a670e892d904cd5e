package opensafely.lsp.runner;

import java.util.List;
import java.util.function.Function;

/**
 * The image a job runs in: {@code ghcr.io/opensafely-core/<name>:<version>}, as opensafely run names it, with the
 * registry taken from the environment variable {@code DOCKER_REGISTRY} when it is set (a mirror, or a local
 * registry in tests). Only OpenSAFELY's runtime images are allowed; any other name is a reusable action
 * ({@link ReusableAction}), which runs in the runtime image its action.yaml names.
 */
public record DockerImage(String registry, String name, String version) {
    public static final String DEFAULT_REGISTRY = "ghcr.io/opensafely-core";

    /** The images job-runner accepts (tooling.md §2.4); databuilder is ehrQL's legacy alias. */
    public static final List<String> ALLOWED = List.of("ehrql", "python", "r", "stata-mp", "jupyter", "sqlrunner",
            "cohortextractor", "databuilder");

    public static DockerImage of(String name, String version, Function<String, String> env) {
        String registry = env.apply("DOCKER_REGISTRY");
        if (registry == null || registry.isBlank()) registry = DEFAULT_REGISTRY;
        while (registry.endsWith("/")) registry = registry.substring(0, registry.length() - 1);
        return new DockerImage(registry, name, version);
    }

    public static boolean allowed(String name) {
        return ALLOWED.contains(name);
    }

    /**
     * Whether {@code image} with first argument {@code command} reads the database: those are the jobs that make
     * dummy data under a local run, and a reusable action may not be one.
     */
    public static boolean databaseCommand(String image, String command) {
        return switch (image) {
            case "ehrql", "databuilder" -> command.equals("generate-dataset") || command.equals("generate-measures");
            case "cohortextractor" -> command.equals("generate_cohort") || command.equals("generate_measures")
                    || command.equals("generate_codelist_report");
            case "sqlrunner" -> true;
            default -> false;
        };
    }

    /** The reference docker is given: {@code ghcr.io/opensafely-core/python:v2}. */
    public String reference() {
        return registry + "/" + name + ":" + version;
    }

    @Override
    public String toString() {
        return reference();
    }
}
