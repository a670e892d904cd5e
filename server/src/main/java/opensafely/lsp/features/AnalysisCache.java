package opensafely.lsp.features;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.VersionCache;

/**
 * Parsed projects of the last few document versions, so completion, hover and code actions on the same
 * text reuse one parse. Also remembers, per file, the last text that parsed: while the user is mid-edit
 * the YAML is often broken, and the action names of a moment ago are still the best guess.
 */
final class AnalysisCache {
    /**
     * Requests come for the version being edited; one more covers a request still in flight for the one
     * before. Each entry of the 1,211-action project holds some 7 MB of tree, so keeping 8 of them made
     * old-generation collections, not analysis, the slowest part of an edit with a bounded heap.
     */
    private static final int SIZE = 2;

    /** One document version's analysis; the index is built on first use. */
    static final class Entry {
        private final Project project;
        private ProjectIndex index;

        Entry(Project project) {
            this.project = project;
        }

        Project project() {
            return project;
        }

        synchronized ProjectIndex index() {
            if (index == null) index = new ProjectIndex(project);
            return index;
        }
    }

    private final ProjectParser parser;
    private final VersionCache<Entry> recent = new VersionCache<>(SIZE);
    private final Map<Path, Entry> lastParsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Entry> eldest) {
            return size() > 32;
        }
    };

    AnalysisCache(ProjectParser parser) {
        this.parser = parser;
    }

    Entry get(Document doc) {
        return recent.get(doc, d -> {
            // From the last version that parsed, an edit re-reads only the action it lies in.
            Entry base = lastParsed(d.path());
            if (base != null) return remember(d, new Entry(parser.reparse(base.project(), d.text())));
            return remember(d, new Entry(ProjectOnDisk.parsedText(d.text()).orElseGet(() -> parser.parse(d.text()))));
        });
    }

    /**
     * This version's analysis if it is made already or can be made by re-reading the one block an edit
     * lies in (milliseconds even for a megabyte), else null: for requests that must answer at once.
     */
    Entry quick(Document doc) {
        Entry cached = peek(doc);
        if (cached != null) return cached;
        Entry base = lastParsed(doc.path());
        if (base == null) return null;
        return parser.reparseBlock(base.project(), doc.text())
                .map(p -> recent.refresh(doc, d -> remember(d, new Entry(p))))
                .orElse(null);
    }

    private Entry remember(Document doc, Entry e) {
        if (e.project().parsed() && doc.path() != null) {
            synchronized (this) {
                lastParsed.put(doc.path(), e);
            }
        }
        return e;
    }

    /** The analysis of exactly this document version if it has been made already, else null. */
    Entry peek(Document doc) {
        return recent.peek(doc);
    }

    /** The analysis of the last version of this file that parsed, or null. */
    synchronized Entry lastParsed(Path path) {
        return path == null ? null : lastParsed.get(path);
    }

    private final Map<String, Entry> variants = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > 2;
        }
    };

    /**
     * The analysis of a variant of a text (say, with the line being typed blanked out). Successive
     * keystrokes on one line make the same variant, so it is parsed once.
     */
    Entry variant(String text) {
        synchronized (this) {
            Entry e = variants.get(text);
            if (e != null) return e;
        }
        Entry e = new Entry(parser.parse(text));
        synchronized (this) {
            variants.put(text, e);
        }
        return e;
    }
}
