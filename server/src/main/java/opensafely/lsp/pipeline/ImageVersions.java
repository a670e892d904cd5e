package opensafely.lsp.pipeline;

import java.util.Map;
import java.util.Optional;

/**
 * The versions of OpenSAFELY's runtime images that advice names. The current version is what new code
 * should pin, and what the documentation and {@code opensafely pull} use (python and r are at v2, the
 * others at v1: shared/spec/tooling.md); {@code :latest} still runs v1 of every image, which is not the
 * current one for python and r.
 */
public final class ImageVersions {
    private static final Map<String, String> CURRENT = Map.of(
            "python", "v2", "r", "v2", "stata-mp", "v1", "jupyter", "v1", "ehrql", "v1", "sqlrunner", "v1");

    /** What {@code :latest} runs: OpenSAFELY treats latest as v1 (project-yaml.md, action_images). */
    private static final String LATEST_MEANS = "v1";

    private ImageVersions() {
    }

    /** The version to pin for a runtime image, or empty for an image that is not one (a reusable action, cohortextractor). */
    public static Optional<String> current(String image) {
        return Optional.ofNullable(CURRENT.get(image));
    }

    /** The version {@code image:latest} runs today, for a runtime image. */
    public static Optional<String> latestMeans(String image) {
        return CURRENT.containsKey(image) ? Optional.of(LATEST_MEANS) : Optional.empty();
    }
}
