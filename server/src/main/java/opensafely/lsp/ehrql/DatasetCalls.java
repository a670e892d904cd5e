package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.ArgV.keyword;
import static opensafely.lsp.ehrql.ArgV.nameEnd;
import static opensafely.lsp.ehrql.ArgV.nameStart;
import static opensafely.lsp.ehrql.ArgV.positional;
import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.Descriptions.notASeries;
import static opensafely.lsp.ehrql.Descriptions.typeName;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * What a dataset is given: its columns (dataset.x = ..., add_column, setattr) with their name and value checks,
 * define_population and configure_dummy_data (whose options measures share). Column state lives on the
 * {@link Dataset} value itself, so a dataset passed around keeps its columns.
 */
final class DatasetCalls {
    /** The dataset's own methods: a column of that name would hide the method. */
    static final Set<String> DATASET_METHODS = Set.of("define_population", "add_column", "configure_dummy_data");

    private final Evaluator ev;
    private final SourceFile file;
    private final Schema schema;

    DatasetCalls(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.schema = ev.schema;
    }

    EValue datasetCall(Dataset d, String name, List<ArgV> args, Py.Call c) {
        List<ArgV> pos = positional(args);
        switch (name) {
            case "define_population" -> {
                ArgV a = !pos.isEmpty() ? pos.get(0) : keyword(args, "population_condition");
                if (a != null) checkPopulation(a.value(), a.node(), "The population");
                if (a != null && a.value() instanceof Series ps && "bool".equals(ps.type()) && !ps.event()
                        && new EmptyPatient(ev::definition, ev.types).value(a.arg().value(), 0) == EmptyPatient.V.TRUE) {
                    ev.report(Rule.EHRQL_INVALID_POPULATION, a.node(), "This population is true for a patient with no records at all (every value NULL, "
                            + "nothing exists), which ehrQL rejects. Combine it with a condition that needs a record, e.g. "
                            + "`practice_registrations.for_patient_on(date).exists_for_patient() & ...`.");
                }
                if (ev.conditional > 0) d.populationMaybe = true;
                else {
                    d.populations++;
                    if (d.populations > 1 && !d.populationMaybe) {
                        Origin first = d.populationCalls.isEmpty() ? null : d.populationCalls.get(0);
                        ev.report(Rule.EHRQL_POPULATION_TWICE, nameStart(c), nameEnd(c), "define_population() may be called only once"
                                + (first != null ? " (it was already called at " + first.file().where(first.start()) + ")" : "")
                                + ". Combine the conditions with & in a single call.");
                    }
                }
                d.populationCalls.add(new Origin(file, nameStart(c), nameEnd(c)));
                return new Lit(LitKind.NONE, null, null);
            }
            case "add_column" -> {
                ArgV n = !pos.isEmpty() ? pos.get(0) : keyword(args, "column_name");
                ArgV v = pos.size() > 1 ? pos.get(1) : keyword(args, "ehrql_query");
                if (n != null && n.value() instanceof Lit l && l.value() instanceof String s && v != null) {
                    setColumn(d, s, n.node().start(), n.node().end(), v.value(), v.node());
                } else {
                    d.escaped = true;
                    if (v != null) checkColumnValue(v.value(), v.node(), "The column");
                }
                return new Lit(LitKind.NONE, null, null);
            }
            case "add_event_table" -> {
                addEventTable(d, args, c);
                return new Lit(LitKind.NONE, null, null);
            }
            case "configure_dummy_data" -> {
                checkDummyData(args, c, false);
                return new Lit(LitKind.NONE, null, null);
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    /** dataset.add_event_table(name, column=event_series, ...): a table of many rows per patient in the output. */
    private void addEventTable(Dataset d, List<ArgV> args, Py.Call c) {
        List<ArgV> pos = positional(args);
        ArgV n = !pos.isEmpty() ? pos.get(0) : keyword(args, "name");
        boolean open = args.stream().anyMatch(a -> a.arg().kind() == Py.ArgKind.STAR || a.arg().kind() == Py.ArgKind.DOUBLE_STAR);
        List<ArgV> columns = args.stream().filter(a -> a.arg().kind() == Py.ArgKind.KEYWORD && !"name".equals(a.arg().keyword())).toList();
        if (n == null || !(n.value() instanceof Lit l && l.value() instanceof String name)) {
            d.escaped = true;
            return;
        }
        if (!open && columns.isEmpty()) {
            ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), "add_event_table() needs at least one column, given as a keyword "
                    + "argument: dataset.add_event_table(\"" + name + "\", date=events.date).");
        }
        for (ArgV a : columns) {
            EValue v = a.value();
            if (v instanceof Series s && !s.event()) {
                ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "The columns of an event table must have many values per patient, but this is a "
                        + typeName(s) + " with one. Set it as a dataset column instead (dataset." + a.arg().keyword() + " = ...).");
            } else if (!(v instanceof Series) && notASeries(v) != null) {
                ev.report(Rule.EHRQL_NOT_A_SERIES, a.node(), "Event table column '" + a.arg().keyword() + "' must be an ehrQL series, but " + notASeries(v));
            }
        }
        if (!checkName(d, name, n.node().start(), n.node().end(), "table")) return;
        if (d.columns.containsKey(name) || d.eventTables.containsKey(name)) {
            if (ev.conditional == 0) {
                ev.report(Rule.EHRQL_COLUMN_REASSIGNED, n.node().start(), n.node().end(), "'" + name + "' is already set on the dataset and cannot be "
                        + "set again. Choose another name for the event table.");
            }
            return;
        }
        d.eventTables.put(name, new Origin(file, n.node().start(), n.node().end()));
    }

    /** The naming rules a column and an event table share; false when the name is refused. */
    private boolean checkName(Dataset d, String name, int nameStart, int nameEnd, String what) {
        if (name.equals("population") || schema.reservedColumns.contains(name)) {
            ev.report(Rule.EHRQL_RESERVED_COLUMN_NAME, nameStart, nameEnd, "'" + name + "' is not an allowed " + what + " name (ehrQL reserves it). Choose another name.");
            return false;
        }
        if (!schema.columnName.matcher(name).matches()) {
            ev.report(Rule.EHRQL_INVALID_COLUMN_NAME, nameStart, nameEnd, "'" + name + "' is not a valid " + what
                    + " name: it must start with a letter and contain only letters, digits and underscores.");
            return false;
        }
        return true;
    }

    void setColumn(Dataset d, String name, int nameStart, int nameEnd, EValue v, Py.Node valueNode) {
        if (name.isEmpty() || name.startsWith("__")) return;
        boolean cond = ev.conditional > 0;
        if (d.eventTables.containsKey(name) && !cond) {
            ev.report(Rule.EHRQL_COLUMN_REASSIGNED, nameStart, nameEnd, "'" + name + "' is already an event table of this dataset (added at "
                    + d.eventTables.get(name).file().where(d.eventTables.get(name).start()) + ") and cannot be set again. Rename one of them.");
            return;
        }
        if (name.equals("population")) {
            ev.report(Rule.EHRQL_RESERVED_COLUMN_NAME, nameStart, nameEnd,
                    "'population' cannot be set as a column: define the population with dataset.define_population(...).");
            return;
        }
        if (schema.reservedColumns.contains(name)) {
            ev.report(Rule.EHRQL_RESERVED_COLUMN_NAME, nameStart, nameEnd, "'" + name + "' is not an allowed column name (ehrQL reserves it). Choose another name.");
            return;
        }
        if (DATASET_METHODS.contains(name)) {
            ev.reportSeverity(Rule.EHRQL_RESERVED_COLUMN_NAME, Severity.WARNING, nameStart, nameEnd, "'" + name
                    + "' is the name of a dataset method: the column is written, but dataset." + name + " no longer gives the method. Choose another name.");
        } else if (!schema.columnName.matcher(name).matches()) {
            ev.report(Rule.EHRQL_INVALID_COLUMN_NAME, nameStart, nameEnd, "'" + name
                    + "' is not a valid column name: it must start with a letter and contain only letters, digits and underscores.");
        }
        Column old = d.columns.get(name);
        if (old != null && !cond && !old.conditional()) {
            String where = old.nameOrigin() == null ? "" : " (first set at " + old.nameOrigin().file().where(old.nameOrigin().start()) + ")";
            ev.report(Rule.EHRQL_COLUMN_REASSIGNED, nameStart, nameEnd, "Column '" + name + "' is already set" + where
                    + " and cannot be set again. Rename one of them.");
        }
        checkColumnValue(v, valueNode, "Column '" + name + "'");
        d.columns.put(name, new Column(name, v, new Origin(file, nameStart, nameEnd), cond || (old != null && old.conditional())));
    }

    /** A dataset column's value must be a patient-level series. */
    void checkColumnValue(EValue v, Py.Node at, String what) {
        if (at == null) return;
        String problem = notASeries(v);
        if (v instanceof Series s && s.event()) {
            ev.report(Rule.EHRQL_EVENT_LEVEL_COLUMN, at, what + " has many values per patient (an event-level "
                    + typeName(s) + "). Aggregate it (e.g. .count_for_patient(), .exists_for_patient(), .maximum_for_patient()) or pick one row with "
                    + "sort_by(...).first_for_patient() before taking the column.");
        } else if (problem != null) {
            ev.report(Rule.EHRQL_NOT_A_SERIES, at, what + " must be an ehrQL series, but " + problem);
        }
    }

    private void checkPopulation(EValue v, Py.Node at, String what) {
        if (v instanceof Series s) {
            if (s.type() != null && !s.type().equals("bool")) {
                ev.report(Rule.EHRQL_INVALID_POPULATION, at, what + " must be a boolean series, not " + describe(s)
                        + ". Compare it or use exists_for_patient().");
            } else if (s.event()) {
                ev.report(Rule.EHRQL_INVALID_POPULATION, at, what + " must have one value per patient, but this " + typeName(s)
                        + " has many. Use e.g. .exists_for_patient() on the frame.");
            }
            return;
        }
        String problem = notASeries(v);
        if (problem != null) ev.report(Rule.EHRQL_INVALID_POPULATION, at, what + " must be a boolean patient series, but " + problem);
    }

    void checkDummyData(List<ArgV> args, Py.Call c, boolean measures) {
        boolean legacy = false;
        ArgV constraint = null;
        for (ArgV a : args) {
            if (a.arg().kind() == Py.ArgKind.POSITIONAL) {
                ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.node(), "configure_dummy_data() takes keyword arguments only, e.g. population_size=1000.",
                        a.value() instanceof Lit l && l.kind() == LitKind.INT
                                ? new Fix[] {Fix.replace("Change to population_size=" + l.value(), file.range(a.arg().start(), a.arg().end()), "population_size=" + l.value())}
                                : new Fix[0]);
                continue;
            }
            if (a.arg().kind() != Py.ArgKind.KEYWORD) return;
            String k = a.arg().keyword();
            EValue v = a.value();
            switch (k) {
                case "population_size" -> {
                    if (v instanceof Lit l && l.kind() != LitKind.INT || v instanceof Series || v instanceof Frame) {
                        ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.node(), "population_size must be a whole number of patients, not " + describe(v) + ".");
                    } else if (v instanceof Lit l && l.value() instanceof Long n && n <= 0) {
                        ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.node(), "population_size must be a positive number of patients.");
                    }
                }
                case "legacy" -> {
                    if (v instanceof Lit l && l.kind() != LitKind.BOOL) {
                        ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.node(), "legacy must be True or False, not " + describe(v) + ".");
                    }
                    legacy = v instanceof Lit l && Boolean.TRUE.equals(l.value());
                }
                case "timeout" -> {
                    if (v instanceof Lit l && l.kind() != LitKind.INT && l.kind() != LitKind.FLOAT || v instanceof Series) {
                        ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.node(), "timeout is a number of seconds, not " + describe(v) + ".");
                    }
                }
                case "additional_population_constraint" -> {
                    constraint = a;
                    if (v instanceof Series s && (s.event() || s.type() != null && !s.type().equals("bool")) || notASeries(v) != null && !(v instanceof Lit l && l.kind() == LitKind.NONE)) {
                        ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.node(), "additional_population_constraint must be a boolean series with one value per patient, not "
                                + describe(v) + ".");
                    }
                }
                default -> {
                    Optional<String> dym = DidYouMean.closest(k, schema.dummyDataOptions.keySet());
                    ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, a.arg().keywordStart(), a.arg().keywordEnd(), "configure_dummy_data() has no option '" + k
                            + "'; it takes " + String.join(", ", schema.dummyDataOptions.keySet()) + "." + DidYouMean.suffix(dym),
                            dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.arg().keywordStart(), a.arg().keywordEnd()), x)).stream().toArray(Fix[]::new));
                }
            }
        }
        if (legacy && constraint != null && !(constraint.value() instanceof Lit l && l.kind() == LitKind.NONE)) {
            ev.report(Rule.EHRQL_DUMMY_DATA_ARGUMENT, constraint.arg().keywordStart(), constraint.arg().keywordEnd(),
                    "additional_population_constraint cannot be used with legacy=True: the legacy generator does not support it.");
        }
    }
}
