package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What {@link PythonScriptReader} knows of a Python value: a string with its possible values, a path, a table read
 * from a file, an open file, a literal collection, a module or function by its qualified name, or nothing.
 */
sealed interface PyValue {
    /** Unknown: anything the reader does not follow. */
    PyValue UNKNOWN = new Unknown();

    /** Marks the part of a string the reader could not work out (it becomes {@code *} in a {@link FileUse}). */
    char HOLE = '*';

    /** More alternatives than this and the value is not worth following (a loop over a long list, nested). */
    int MAX_ALTERNATIVES = 32;

    record Unknown() implements PyValue {
    }

    /**
     * A string: each possible value, with {@link #HOLE} for unknown parts. Values from one loop over pairs ({@code for
     * k, v in d.items()}, {@code zip(a, b)}) share a non-zero {@code group}, and combine element by element rather
     * than every one with every other, so {@code f"{k}_{v}"} never names a pair the loop does not make.
     */
    record Text(List<String> alternatives, int group) implements PyValue {
        public Text {
            alternatives = List.copyOf(alternatives);
        }

        static Text of(String s) {
            return new Text(List.of(s), 0);
        }

        static Text hole() {
            return of(String.valueOf(HOLE));
        }

        /** The concatenation of two strings: pairwise within one loop group, else every combination (bounded). */
        Text concat(Text other) {
            List<String> out = new ArrayList<>();
            if (group != 0 && group == other.group && alternatives.size() == other.alternatives.size()) {
                for (int i = 0; i < alternatives.size(); i++) out.add(joinHoles(alternatives.get(i) + other.alternatives.get(i)));
                return new Text(out, group);
            }
            if ((long) alternatives.size() * other.alternatives.size() > MAX_ALTERNATIVES) return hole();
            for (String a : alternatives) for (String b : other.alternatives) out.add(joinHoles(a + b));
            int g = alternatives.size() == 1 ? other.group : other.alternatives.size() == 1 ? group : 0;
            return new Text(dedupe(out), g);
        }

        /** Every value this one may take, with another's: for a name assigned in either branch of an {@code if}. */
        Text union(Text other) {
            List<String> all = new ArrayList<>(alternatives);
            all.addAll(other.alternatives);
            List<String> out = dedupe(all);
            return out.size() > MAX_ALTERNATIVES ? hole() : new Text(out, 0);
        }

        Text map(java.util.function.UnaryOperator<String> f) {
            List<String> out = new ArrayList<>();
            for (String a : alternatives) out.add(f.apply(a));
            return new Text(out, group);
        }

        boolean exact() {
            return alternatives.stream().noneMatch(a -> a.indexOf(HOLE) >= 0);
        }
    }

    /** A pathlib path (its text as a study-relative string, "" for the study folder itself). */
    record PathV(Text text) implements PyValue {
    }

    /**
     * A pandas table read from files. {@code open} once something may have added or renamed its columns (an
     * assignment to a column, a call that may change it in place): from then on its columns are not checked.
     */
    final class Table implements PyValue {
        final List<FileUse> sources;
        boolean open;

        Table(List<FileUse> sources, boolean open) {
            this.sources = List.copyOf(sources);
            this.open = open;
        }

        /** The same sources and state, as a new table ({@code df.dropna()}: same columns, a new object). */
        Table derived() {
            return new Table(sources, open);
        }
    }

    /** {@code df.loc} or {@code df.iloc}, waiting for its subscript. */
    record Indexer(Table table, boolean byLabel) implements PyValue {
    }

    /** A file opened with {@code open()} (for {@code json.dump(x, f)}: the open is the write). */
    record Handle() implements PyValue {
    }

    /** A list, tuple or set display. */
    record Seq(List<PyValue> elements) implements PyValue {
        public Seq {
            elements = List.copyOf(elements);
        }
    }

    /** A dict display with its keys and values in order. */
    record DictV(List<PyValue> keys, List<PyValue> values) implements PyValue {
        public DictV {
            keys = List.copyOf(keys);
            values = List.copyOf(values);
        }
    }

    /** A module, or a function or class of one, by qualified name ({@code pandas.read_csv}, {@code builtins.open}). */
    record Module(String name) implements PyValue {
    }

    /** A function defined in the script itself (its body is read on its own; calls are not followed). */
    record LocalFunction(String name) implements PyValue {
    }

    /** The pairs of {@code d.items()}, {@code zip(a, b)} or {@code enumerate(a)}, for a loop to take apart. */
    record Pairs(List<PyValue> columns) implements PyValue {
    }

    static List<String> dedupe(List<String> in) {
        return new ArrayList<>(new LinkedHashSet<>(in));
    }

    /** Two holes side by side are one unknown part. */
    static String joinHoles(String s) {
        String twice = String.valueOf(HOLE) + HOLE;
        while (s.contains(twice)) s = s.replace(twice, String.valueOf(HOLE));
        return s;
    }

    /** The text a value gives in an f-string or {@code str()}: a hole where unknown. */
    static Text asText(PyValue v) {
        if (v instanceof Text t) return t;
        if (v instanceof PathV p) return p.text();
        return Text.hole();
    }

    /** The string values of a literal collection (or of a dict's keys), one per element; null when any is not a string. */
    static List<Text> strings(PyValue v) {
        List<PyValue> elements = v instanceof Seq s ? s.elements() : v instanceof DictV d ? d.keys() : null;
        if (elements == null) return null;
        List<Text> out = new ArrayList<>();
        for (PyValue e : elements) {
            if (!(e instanceof Text t) || t.alternatives().size() != 1) return null;
            out.add(t);
        }
        return out;
    }
}
