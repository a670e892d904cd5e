package opensafely.lsp.scripts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.text.Range;

/** The reader of each script language, and the last scripts read (project.yaml's rules read every script of a study). */
public final class ScriptReaders {
    private static final ScriptReader PYTHON = new PythonScriptReader();
    /**
     * R and Stata are read by readers of their own (RScriptReader, StataScriptReader), wired in here once they exist.
     * Until then a script of those languages is unknown: nothing read, and its writes unresolved, so that no rule
     * says an output pattern is never written by a script nobody read.
     */
    private static final ScriptReader NOT_READ_YET_R = text -> unread(ScriptLanguage.R);
    private static final ScriptReader NOT_READ_YET_STATA = text -> unread(ScriptLanguage.STATA);

    private static final int KEPT = 256;
    private record Key(ScriptLanguage language, String path, String text) {
    }

    private static final Map<Key, ScriptUses> LAST = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ScriptUses> eldest) {
            return size() > KEPT;
        }
    };

    private ScriptReaders() {
    }

    public static ScriptReader of(ScriptLanguage language) {
        return switch (language) {
            case PYTHON -> PYTHON;
            case R -> NOT_READ_YET_R;
            case STATA -> NOT_READ_YET_STATA;
        };
    }

    /** What a script does, read once per text (its path relative to the study folder, for {@code __file__}). */
    public static ScriptUses read(ScriptLanguage language, String path, String text) {
        Key key = new Key(language, path, text);
        synchronized (LAST) {
            ScriptUses u = LAST.get(key);
            if (u != null) return u;
        }
        ScriptUses u = of(language).read(text, path);
        synchronized (LAST) {
            LAST.put(key, u);
        }
        return u;
    }

    private static ScriptUses unread(ScriptLanguage language) {
        return new ScriptUses(language, List.of(), List.of(), List.of(), List.of(Range.of(0, 0, 0, 0)));
    }
}
