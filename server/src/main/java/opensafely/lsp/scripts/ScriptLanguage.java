package opensafely.lsp.scripts;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The languages of analysis scripts whose file reads and writes are followed. */
public enum ScriptLanguage {
    PYTHON,
    R,
    STATA;

    /** The language of a script, from its file name; empty for anything else. */
    public static Optional<ScriptLanguage> of(Path file) {
        Path name = file.getFileName();
        if (name == null) return Optional.empty();
        String n = name.toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".py")) return Optional.of(PYTHON);
        if (n.endsWith(".r")) return Optional.of(R);
        if (n.endsWith(".do")) return Optional.of(STATA);
        return Optional.empty();
    }
}
