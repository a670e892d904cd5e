package opensafely.lsp.scripts;

/**
 * Reads one language's scripts statically: which files they read and write and which dataset columns they use.
 * Never runs the script; what cannot be resolved is left out (or recorded as unresolved), never guessed.
 * Implementations are stateless and safe to call from several threads; they never throw on any input and stay
 * linear in the text's size.
 */
public interface ScriptReader {
    ScriptUses read(String text);

    /**
     * Reads a script knowing its path relative to the study folder (Python's {@code __file__}, R's {@code here()} need
     * it). By default the path is not used.
     */
    default ScriptUses read(String text, String scriptPath) {
        return read(text);
    }
}
