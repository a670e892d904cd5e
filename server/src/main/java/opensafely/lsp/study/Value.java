package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * What the static evaluator knows about a Python value. Anything it cannot follow is {@link #UNKNOWN};
 * rules never report on unknown values, which is what keeps them free of false errors.
 */
interface Value {
    Unknown UNKNOWN = new Unknown();

    /** Where a value was written, for ranges (in whichever file that was). */
    record Origin(SourceFile file, int start, int end) {
        opensafely.lsp.text.Range range() {
            return file.range(start, end);
        }

        static Origin of(SourceFile f, Py.Node n) {
            return new Origin(f, n.start(), n.end());
        }
    }

    Origin origin();

    final class Unknown implements Value {
        private Unknown() {
        }

        @Override
        public Origin origin() {
            return null;
        }

        @Override
        public String toString() {
            return "<unknown>";
        }
    }

    /** A string; {@code contentStart} maps character i of the value to offset contentStart + i, or is -1. */
    record Str(String value, int contentStart, Origin origin) implements Value {
    }

    record Num(double value, boolean integer, Origin origin) implements Value {
        long asLong() {
            return (long) value;
        }
    }

    record Bool(boolean value, Origin origin) implements Value {
    }

    record None(Origin origin) implements Value {
    }

    /** A list, tuple or set; {@code complete} is false when elements may be missing (appended in an unknown loop). */
    final class ListV implements Value {
        final List<Value> items;
        final boolean tuple;
        boolean complete = true;
        private final Origin origin;

        ListV(List<Value> items, boolean tuple, Origin origin) {
            this.items = new ArrayList<>(items);
            this.tuple = tuple;
            this.origin = origin;
        }

        @Override
        public Origin origin() {
            return origin;
        }
    }

    /** A dict entry with the origin of its key (for variable names). */
    record Entry(Value key, Value value, Origin keyOrigin) {
        String keyString() {
            return key instanceof Str s ? s.value() : null;
        }
    }

    /** A dict; {@code complete} is false when some entries could not be followed. */
    final class DictV implements Value {
        final List<Entry> entries = new ArrayList<>();
        boolean complete = true;
        private final Origin origin;

        DictV(Origin origin) {
            this.origin = origin;
        }

        @Override
        public Origin origin() {
            return origin;
        }

        Value get(String key) {
            for (Entry e : entries) if (key.equals(e.keyString())) return e.value();
            return null;
        }

        Entry entry(String key) {
            for (Entry e : entries) if (key.equals(e.keyString())) return e;
            return null;
        }

        void put(Entry e) {
            String k = e.keyString();
            if (k != null) {
                for (int i = 0; i < entries.size(); i++) {
                    if (k.equals(entries.get(i).keyString())) {
                        entries.set(i, e);
                        return;
                    }
                }
            } else if (!(e.key() instanceof Num || e.key() instanceof Bool || e.key() instanceof None)) {
                complete = false;
            }
            entries.add(e);
        }
    }

    /**
     * A keyword argument as the callee sees it. {@code anchor} is where it appears in the calling file: the
     * keyword itself, or the {@code **dict} it came from.
     */
    record Kw(String name, Value value, Origin nameOrigin, Origin valueOrigin, Origin anchor) {
    }

    /**
     * A call of a cohort-extractor API: {@code patients.x(...)} (function "x"), or StudyDefinition / Measure.
     * {@code open} when a {@code *args}/{@code **kwargs} could not be expanded, so arguments may be missing.
     */
    record Call(String function, List<Value> positional, List<Origin> positionalOrigins, List<Kw> keywords,
                boolean open, Origin origin, Origin nameOrigin, Py.Call node) implements Value {
        Kw keyword(String name) {
            for (Kw k : keywords) if (k.name().equals(name)) return k;
            return null;
        }

        Value arg(String name) {
            Kw k = keyword(name);
            return k == null ? null : k.value();
        }
    }

    /**
     * A codelist. {@code kind}: csv, literal, combined, filtered. Unknown parts are null.
     */
    record Codelist(String kind, String system, Origin systemOrigin, String path, Origin pathOrigin, String column,
                    Origin columnOrigin, String categoryColumn, Origin categoryColumnOrigin, Boolean categorised,
                    Integer codeCount, Origin origin, List<Value> parts) implements Value {
        /**
         * {@code parts}: what iterating it is made of, when known without reading a file: the codes of a literal
         * codelist, the codelists a combine_codelists joined. Null otherwise.
         */
        Codelist(String kind, String system, Origin systemOrigin, String path, Origin pathOrigin, String column,
                 Origin columnOrigin, String categoryColumn, Origin categoryColumnOrigin, Boolean categorised,
                 Integer codeCount, Origin origin) {
            this(kind, system, systemOrigin, path, pathOrigin, column, columnOrigin, categoryColumn, categoryColumnOrigin, categorised,
                    codeCount, origin, null);
        }
    }

    /** A function defined in Python, closed over the module it was defined in. */
    record Func(Py.FuncDef def, Interpreter.Env env, SourceFile file, Origin origin) implements Value {
    }

    /** A name provided by cohort-extractor or Python itself ("patients", "patients.sex", "codelist", "dict", ...). */
    record Builtin(String name, Origin origin) implements Value {
    }

    /** A file opened for reading ({@code open("analysis/config.json")}), by its path as written. */
    record FileRef(String path, Origin origin) implements Value {
    }

    /** A sibling module imported with {@code import x}. */
    record Module(String name, Interpreter.Env env, Origin origin) implements Value {
    }
}
