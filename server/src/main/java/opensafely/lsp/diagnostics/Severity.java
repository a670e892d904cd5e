package opensafely.lsp.diagnostics;

import java.util.Locale;

/**
 * How serious a finding is. {@link #ERROR} is reserved for what would make OpenSAFELY reject the
 * project or a job fail; style and advice are warnings or hints.
 */
public enum Severity {
    ERROR, WARNING, INFORMATION, HINT;

    /** The lower-case name used in every output format ("error", "warning", ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }
}
