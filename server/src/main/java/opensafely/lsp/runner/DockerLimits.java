package opensafely.lsp.runner;

import java.util.function.Function;

/**
 * The {@code --cpus} and {@code --memory} each job's container gets: opensafely run's defaults (2 CPUs, 4G), or
 * the environment variables {@code DEFAULT_JOB_CPU_COUNT} and {@code DEFAULT_JOB_MEMORY_LIMIT} when set.
 */
public record DockerLimits(String cpus, String memory) {
    public static final String DEFAULT_CPUS = "2";
    public static final String DEFAULT_MEMORY = "4G";

    public static DockerLimits fromEnv(Function<String, String> env) {
        return new DockerLimits(orDefault(env.apply("DEFAULT_JOB_CPU_COUNT"), DEFAULT_CPUS),
                orDefault(env.apply("DEFAULT_JOB_MEMORY_LIMIT"), DEFAULT_MEMORY));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
