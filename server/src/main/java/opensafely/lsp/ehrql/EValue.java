package opensafely.lsp.ehrql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * What the static evaluator knows about a Python value in a dataset definition. Anything it cannot follow
 * is {@link #UNKNOWN}, and no rule ever reports on something that depends on an unknown value.
 */
sealed interface EValue {
    Unknown UNKNOWN = new Unknown();

    record Unknown() implements EValue {
    }

    /** Where a value or name came from (a node in some file). */
    record Origin(SourceFile file, int start, int end) {
        static Origin of(SourceFile f, Py.Node n) {
            return new Origin(f, n.start(), n.end());
        }
    }

    /**
     * A frame: a table, or what where/sort_by/first_for_patient... made of one. {@code table} is the table it is
     * drawn from; {@code event} many rows per patient; {@code sorted} after sort_by; {@code tableMethods} when
     * the table's own helper methods (age_on, for_patient_on...) are still there.
     */
    record Frame(Schema.Table table, boolean event, boolean sorted, boolean tableMethods, String lineage) implements EValue {
    }

    /**
     * A series: value type ("bool", "int", "float", "str", "date" or a code system name, or null when unknown),
     * dimension, and for event series the table it is drawn from (null when not known).
     */
    record Series(String type, boolean event, Schema.Table table, String lineage, List<String> categories) implements EValue {
        static Series patient(String type) {
            return new Series(type, false, null, null, null);
        }

        Series with(String newType, boolean newEvent) {
            return new Series(newType, newEvent, newEvent ? table : null, newEvent ? lineage : null, null);
        }
    }

    enum LitKind { STR, INT, FLOAT, BOOL, NONE, DATE }

    /** A Python literal (value null when only the kind is known, as for {@code date.today()}). */
    record Lit(LitKind kind, Object value, Origin origin) implements EValue {
    }

    /** A list, tuple or set display; {@code complete} when every element is listed (no starred unknowns). */
    record ListLit(List<EValue> items, boolean tuple, boolean complete, Origin origin) implements EValue {
    }

    record DictLit(List<EValue> keys, List<EValue> values, boolean complete, Origin origin) implements EValue {
    }

    /** codelist_from_csv(...); a dict when {@code category} is set. */
    record Codelist(String path, String column, String category, Origin origin) implements EValue {
    }

    /** A code object, e.g. {@code SNOMEDCTCode("123456")}. */
    record Code(String system, String value) implements EValue {
    }

    /** The class of a code system (SNOMEDCTCode...), which makes codes when called. */
    record CodeClass(String system) implements EValue {
    }

    /** days(n), weeks(n), months(n), years(n); {@code literal} holds n when it is a literal int. */
    record Duration(String unit, Long literal, boolean seriesValue) implements EValue {
    }

    /** date_series - date: not a series; {@code .days} etc. are. */
    record DateDifference(boolean event, Schema.Table table) implements EValue {
    }

    /** The list starting_on/ending_on makes (or any list of (start, end) pairs). */
    record Intervals() implements EValue {
    }

    /** ehrql.INTERVAL. */
    record IntervalPlaceholder() implements EValue {
    }

    /** when(condition), when(c).then(v). */
    record When(EValue condition, EValue then, boolean hasThen, Origin origin, String conditionText) implements EValue {
    }

    /** What Python's object() makes: no ehrQL value. */
    record PlainObject() implements EValue {
    }

    /** An ehrql function (create_dataset, case, days...) or another known callable by name. */
    record Func(String name) implements EValue {
    }

    /** A module: an ehrql module by name, or a local module with its names. */
    record Module(String name, Map<String, Binding> names) implements EValue {
    }

    /** A method looked up but not (yet) called: {@code receiver.name}. */
    record Method(EValue receiver, String name) implements EValue {
    }

    /** A function defined with def in some file. */
    record LocalFunc(Py.FuncDef def, SourceFile file, Map<String, Binding> globals) implements EValue {
    }

    /** A name and what it is bound to; {@code defined} is where (the target of the assignment). */
    record Binding(EValue value, Origin defined) {
    }

    /** A dataset made by create_dataset(). Mutable: columns are added as the file runs. */
    final class Dataset implements EValue {
        final Origin created;
        final Map<String, Column> columns = new LinkedHashMap<>();
        int populations;
        boolean populationMaybe;
        /** Passed to code that is not followed, or given columns whose names are not known. */
        boolean escaped;
        final List<Origin> populationCalls = new ArrayList<>();
        /** Tables added with add_event_table, by name (they share the column names' namespace). */
        final Map<String, Origin> eventTables = new LinkedHashMap<>();

        Dataset(Origin created) {
            this.created = created;
        }
    }

    /** One dataset column: where its name is, its value, and whether it is set only on some paths. */
    record Column(String name, EValue value, Origin nameOrigin, boolean conditional) {
    }

    /** measures = create_measures(). */
    final class Measures implements EValue {
        final Origin created;
        final Map<String, Origin> measures = new LinkedHashMap<>();
        final Map<String, EValue> defaults = new LinkedHashMap<>();
        int defaultsCalls;
        /** The value type of each group_by column the measures so far used, where known (it must stay the same). */
        final Map<String, String> groupTypes = new LinkedHashMap<>();
        /** define_measure calls, named or not. */
        int calls;
        boolean escaped;

        Measures(Origin created) {
            this.created = created;
        }
    }
}
