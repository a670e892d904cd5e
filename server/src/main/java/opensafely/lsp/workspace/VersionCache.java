package opensafely.lsp.workspace;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The analyses of the last few document versions, so that completion, hover and code actions on one version
 * share one analysis. Keyed by path, version and text (the text too, because `check` and tests make documents
 * of version 0). The analysis runs outside the lock: a big file takes a while and other documents need not
 * wait; two threads asking for the same new version may both compute it, which is harmless.
 */
public final class VersionCache<V> {
    private record Key(Path path, int version, String text) {
        static Key of(Document doc) {
            return new Key(doc.path(), doc.version(), doc.text());
        }

        // Written out: a record's generated equals and hashCode are bootstrapped through method handles on first
        // use, ~15 ms of a cold `check` that no Java 17 class-data archive saves (issue #15).
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && version == k.version && Objects.equals(path, k.path) && Objects.equals(text, k.text);
        }

        @Override
        public int hashCode() {
            return (Objects.hashCode(path) * 31 + version) * 31 + Objects.hashCode(text);
        }
    }

    private final Map<Key, V> recent;

    public VersionCache(int size) {
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, V> eldest) {
                return size() > size;
            }
        };
    }

    /** The cached analysis of exactly this version, or null. */
    public synchronized V peek(Document doc) {
        return recent.get(Key.of(doc));
    }

    /** The analysis of this version, computed on first use. */
    public V get(Document doc, Function<Document, V> compute) {
        V cached = peek(doc);
        return cached != null ? cached : refresh(doc, compute);
    }

    /** Computes the analysis afresh and keeps it: for results that also depend on files that may have changed. */
    public V refresh(Document doc, Function<Document, V> compute) {
        V fresh = compute.apply(doc);
        synchronized (this) {
            recent.put(Key.of(doc), fresh);
        }
        return fresh;
    }
}
