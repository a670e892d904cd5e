package opensafely.lsp.pipeline;

import opensafely.lsp.yaml.YamlNode;

/**
 * The {@code version} of a project file as a float (what Python's {@code float()} made of it) and the
 * features it switches on. A file without a usable version is analysed as the latest version, so that
 * the version-gated rules still speak to the most likely intent.
 */
public record ProjectVersion(double value, YamlNode node, boolean stated) {
    public static final int LATEST = 5;

    public static ProjectVersion assumedLatest() {
        return new ProjectVersion(LATEST, null, false);
    }

    public boolean uniqueOutputPaths() {
        return value >= 2;
    }

    public boolean expectationsRequired() {
        return value == 3;
    }

    public boolean cohortExtractorRemoved() {
        return value >= 4;
    }

    public boolean runAllForbidden() {
        return value >= 5;
    }

    public boolean latestTagForbidden() {
        return value >= 5;
    }

    public String pythonRepr() {
        return PythonNumbers.repr(value);
    }
}
