package opensafely.lsp.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The versions of OpenSAFELY's runtime images that advice names. The current version is what new code
 * should pin, and what the documentation and {@code opensafely pull} use (python and r are at v2, the
 * others at v1: shared/spec/tooling.md); {@code :latest} still runs v1 of every image, which is not the
 * current one for python and r.
 */
public final class ImageVersions {
    /** The tags of each runtime image worth using, newest (the current one) first; editor completion offers them. */
    private static final Map<String, List<String>> TAGS = Map.of(
            "python", List.of("v2", "v1"), "r", List.of("v2", "v1"), "stata-mp", List.of("v1"), "jupyter", List.of("v1"),
            "ehrql", List.of("v1"), "sqlrunner", List.of("v1"));

    /** What {@code :latest} runs: OpenSAFELY treats latest as v1 (project-yaml.md, action_images). */
    private static final String LATEST_MEANS = "v1";

    private ImageVersions() {
    }

    /** The version to pin for a runtime image, or empty for an image that is not one (a reusable action, cohortextractor). */
    public static Optional<String> current(String image) {
        return tags(image).stream().findFirst();
    }

    /** The tags worth using of a runtime image, newest first; empty for an image that is not one. */
    public static List<String> tags(String image) {
        return TAGS.getOrDefault(image, List.of());
    }

    /** The version {@code image:latest} runs today, for a runtime image. */
    public static Optional<String> latestMeans(String image) {
        return TAGS.containsKey(image) ? Optional.of(LATEST_MEANS) : Optional.empty();
    }
}
