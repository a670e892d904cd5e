package opensafely.lsp.pipeline;

import java.util.Optional;

/** The privacy levels of outputs, in the fixed order OpenSAFELY checks them. */
public enum PrivacyLevel {
    HIGHLY_SENSITIVE("highly_sensitive", "Patient-level or otherwise disclosive files. Kept on the secure server (level 3); never released."),
    MODERATELY_SENSITIVE("moderately_sensitive", "Aggregate files that researchers may review on the server (level 4) and request to release. Only some file types are allowed."),
    MINIMALLY_SENSITIVE("minimally_sensitive", "Files with minimal risk. Stored like highly sensitive files by the current job runner.");

    /**
     * The file types a moderately_sensitive output may have (pipeline's LEVEL4_FILE_TYPES, compared with Python's
     * Path.suffix, case-sensitive): project.yaml validation checks the declared patterns, job-runner the files.
     */
    public static final java.util.Set<String> LEVEL4_FILE_TYPES = java.util.Set.of(
            ".csv", ".jpg", ".jpeg", ".png", ".svg", ".svgz", ".html", ".txt", ".log", ".json", ".md");

    private final String key;
    private final String description;

    PrivacyLevel(String key, String description) {
        this.key = key;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    public static Optional<PrivacyLevel> of(String key) {
        for (PrivacyLevel l : values()) {
            if (l.key.equals(key)) return Optional.of(l);
        }
        return Optional.empty();
    }
}
