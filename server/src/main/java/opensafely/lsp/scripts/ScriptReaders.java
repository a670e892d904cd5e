package opensafely.lsp.scripts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The reader of each script language, and the last scripts read (project.yaml's rules read every script of a study). */
public final class ScriptReaders {
    private static final ScriptReader PYTHON = new PythonScriptReader();
    private static final ScriptReader R = new RScriptReader();
    private static final ScriptReader STATA = new StataScriptReader();

    private static final int KEPT = 256;
    private record Key(ScriptLanguage language, String path, String text) {
    }

    /** A read, with the texts of the study's modules it depended on: it stands while they are unchanged. */
    private record Read(ScriptUses uses, Map<String, String> modules) {
    }

    private static final Map<Key, Read> LAST = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Read> eldest) {
            return size() > KEPT;
        }
    };

    private ScriptReaders() {
    }

    public static ScriptReader of(ScriptLanguage language) {
        return switch (language) {
            case PYTHON -> PYTHON;
            case R -> R;
            case STATA -> STATA;
        };
    }

    /** What a script does, read once per text (its path relative to the study folder, for {@code __file__}). */
    public static ScriptUses read(ScriptLanguage language, String path, String text) {
        return read(language, path, text, p -> Optional.empty());
    }

    /**
     * What a script does, read once per text while the study's modules it took constants from are unchanged.
     *
     * @param modules the text of a study file by its path relative to the study folder (read through the study folder)
     */
    public static ScriptUses read(ScriptLanguage language, String path, String text, Function<String, Optional<String>> modules) {
        Key key = new Key(language, path, text);
        Read last;
        synchronized (LAST) {
            last = LAST.get(key);
        }
        if (last != null && last.modules().entrySet().stream().allMatch(e -> modules.apply(e.getKey()).map(e.getValue()::equals).orElse(false))) {
            return last.uses();
        }
        Read r;
        if (language == ScriptLanguage.PYTHON) {
            PythonScriptReader.Reading reading = new PythonScriptReader(path, modules).reading(text);
            r = new Read(reading.uses(), reading.modulesRead());
        } else {
            r = new Read(of(language).read(text, path), Map.of());
        }
        synchronized (LAST) {
            LAST.put(key, r);
        }
        return r.uses();
    }
}
