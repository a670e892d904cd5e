package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.ArgV.hasStar;
import static opensafely.lsp.ehrql.ArgV.keyword;
import static opensafely.lsp.ehrql.ArgV.nameEnd;
import static opensafely.lsp.ehrql.ArgV.nameStart;
import static opensafely.lsp.ehrql.ArgV.positional;
import static opensafely.lsp.ehrql.Descriptions.article;
import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;
import static opensafely.lsp.ehrql.TypeChecks.ISO_DATE;
import static opensafely.lsp.ehrql.TypeChecks.isEvent;
import static opensafely.lsp.ehrql.TypeChecks.litType;
import static opensafely.lsp.ehrql.TypeChecks.tableOf;
import static opensafely.lsp.ehrql.TypeChecks.widest;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.workspace.Excerpt;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * Calls of ehrQL's functions (create_dataset, codelist_from_csv, case/when, days(...), maximum_of...) and of the
 * Python built-ins that meet ehrQL values (abs, setattr, list...), with the methods of the values only these
 * functions make: when(...).then(...).otherwise(...) and days(...).starting_on(...).
 */
final class EhrqlFunctions {
    private final Evaluator ev;
    private final SourceFile file;
    private final Schema schema;
    private final TypeChecks checks;
    private final DatasetCalls datasetCalls;

    EhrqlFunctions(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.schema = ev.schema;
        this.checks = ev.checks;
        this.datasetCalls = ev.datasetCalls;
    }

    EValue functionCall(String name, List<ArgV> args, Py.Call c, Map<String, Binding> scope) {
        List<ArgV> pos = positional(args);
        switch (name) {
            case "create_dataset", "ehrql.Dataset" -> {
                return new Dataset(ev.origin(c));
            }
            case "create_measures", "ehrql.Measures" -> {
                return new Measures(ev.origin(c));
            }
            case "codelist_from_csv" -> {
                return codelistFromCsv(args, c);
            }
            case "case" -> {
                return caseCall(args, c);
            }
            case "when" -> {
                EValue cond = pos.isEmpty() ? UNKNOWN : pos.get(0).value();
                if (!pos.isEmpty()) checkCondition(cond, pos.get(0).node(), "when()");
                String text = pos.isEmpty() || !(cond instanceof Series) ? null
                        : file.text.substring(pos.get(0).node().start(), pos.get(0).node().end()).replaceAll("\\s+", "");
                return new When(cond, null, false, ev.origin(c), text);
            }
            case "maximum_of", "minimum_of" -> {
                if (pos.size() < 2 && !hasStar(args)) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), name + "() takes at least two values.");
                }
                Series first = null;
                for (ArgV a : pos) if (a.value() instanceof Series s) {
                    first = s;
                    break;
                }
                if (first == null) return UNKNOWN;
                Series r = first;
                for (ArgV a : pos) {
                    // literals are cast to the first series' type; only other series are checked
                    if (a.value() != first && a.value() instanceof Series) checks.checkOperand(first, a.value(), a.node(), name + "()");
                    r = widest(r, a.value(), first.type());
                }
                return r;
            }
            case "days", "weeks", "months", "years" -> {
                EValue v = pos.isEmpty() ? (keyword(args, "value") != null ? keyword(args, "value").value() : UNKNOWN) : pos.get(0).value();
                Py.Node at = pos.isEmpty() ? null : pos.get(0).node();
                if (at != null && v instanceof Lit l) {
                    if (l.kind() == LitKind.STR) {
                        ev.report(Rule.EHRQL_INVALID_INTERVAL, at, name + "() takes a number of " + name + ", not a string"
                                + (l.value() != null && ISO_DATE.matcher((String) l.value()).matches()
                                ? ": for intervals starting on a date write " + name + "(12).starting_on(\"" + l.value() + "\")." : "."));
                        return UNKNOWN;
                    }
                    if (l.kind() == LitKind.FLOAT || l.kind() == LitKind.NONE) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, name + "() takes a whole number (an int or an int series), not " + describe(l) + ".");
                    }
                }
                if (at != null && v instanceof Series s && s.type() != null && !s.type().equals("int")) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, name + "() takes an int or an int series, not " + describe(s) + ".");
                }
                Long lit = v instanceof Lit l && l.value() instanceof Long x ? x : null;
                return new Duration(name, lit, v instanceof Series);
            }
            case "date" -> {
                if (pos.size() == 3 && pos.stream().allMatch(a -> a.value() instanceof Lit l && l.value() instanceof Long)) {
                    try {
                        return new Lit(LitKind.DATE, LocalDate.of((int) (long) (Long) ((Lit) pos.get(0).value()).value(), (int) (long) (Long) ((Lit) pos.get(1).value()).value(),
                                (int) (long) (Long) ((Lit) pos.get(2).value()).value()), ev.origin(c));
                    } catch (DateTimeException e) {
                        ev.report(Rule.EHRQL_INVALID_DATE, c, "This date does not exist.");
                    }
                }
                return new Lit(LitKind.DATE, null, ev.origin(c));
            }
            case "date.today", "date.fromisoformat" -> {
                return new Lit(LitKind.DATE, null, ev.origin(c));
            }
            case "claim_permissions" -> {
                for (ArgV a : args) {
                    if (a.arg().kind() == Py.ArgKind.POSITIONAL && a.value() instanceof Lit l && l.value() instanceof String p) ev.out.claimed.add(p);
                    else ev.out.claimsUnknown = true;
                }
                return new Lit(LitKind.NONE, null, ev.origin(c));
            }
            case "show", "builtin.print" -> {
                return new Lit(LitKind.NONE, null, ev.origin(c));
            }
            case "builtin.object" -> {
                return args.isEmpty() ? new PlainObject() : UNKNOWN;
            }
            case "builtin.abs" -> {
                if (pos.size() == 1 && pos.get(0).value() instanceof Series) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, c, "abs() cannot take an ehrQL series: use .absolute().");
                }
                return UNKNOWN;
            }
            case "builtin.setattr" -> {
                if (pos.size() == 3 && pos.get(0).value() instanceof Dataset d) {
                    if (pos.get(1).value() instanceof Lit l && l.value() instanceof String n) {
                        datasetCalls.setColumn(d, n, pos.get(1).node().start(), pos.get(1).node().end(), pos.get(2).value(), pos.get(2).node());
                    } else {
                        d.escaped = true;
                        datasetCalls.checkColumnValue(pos.get(2).value(), pos.get(2).node(), "The column");
                    }
                    return new Lit(LitKind.NONE, null, null);
                }
                Evaluator.escape(args);
                return UNKNOWN;
            }
            case "builtin.list", "builtin.sorted", "builtin.set", "builtin.tuple" -> {
                if (pos.size() == 1 && (pos.get(0).value() instanceof ListLit || pos.get(0).value() instanceof Codelist)) {
                    EValue v = pos.get(0).value();
                    return v instanceof ListLit l ? new ListLit(l.items(), false, l.complete(), l.origin()) : new ListLit(List.of(), false, false, ev.origin(c));
                }
                return UNKNOWN;
            }
            default -> {
                Evaluator.escape(args);
                return UNKNOWN;
            }
        }
    }

    private void checkCondition(EValue cond, Py.Node at, String what) {
        if (cond instanceof Series s && s.type() != null && !s.type().equals("bool")) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " needs a boolean condition, not " + describe(s) + ".");
        } else if (cond instanceof Lit l && l.kind() != LitKind.BOOL || cond instanceof Frame || cond instanceof Codelist) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " needs a boolean series as its condition, not " + describe(cond) + ".");
        }
    }

    EValue whenCall(When w, String name, List<ArgV> args, Py.Call c) {
        List<ArgV> pos = positional(args);
        EValue v = pos.isEmpty() ? UNKNOWN : pos.get(0).value();
        if (!pos.isEmpty()) checkOutcome(v, pos.get(0).node());
        if (name.equals("then")) return new When(w.condition(), v, true, w.origin(), w.conditionText());
        if (!pos.isEmpty() && isNone(v) && isNone(w.then())) {
            ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), "A when(...).then(None).otherwise(None) is None in every case, which ehrQL "
                    + "rejects: give at least one value that is not None.");
        }
        // when(c).then(x).otherwise(y): a series of x's type
        EValue then = w.then();
        EValue r = valueOf(List.of(w.condition()), List.of(then, v), List.of(c, pos.isEmpty() ? c : pos.get(0).node()));
        return r;
    }

    private static boolean isNone(EValue v) {
        return v instanceof Lit l && l.kind() == LitKind.NONE;
    }

    /** A case's value must be a series or a literal: a frame, a method not called, an object() is not one. */
    private void checkOutcome(EValue v, Py.Node at) {
        if (v instanceof Lit || v instanceof Series || v instanceof Unknown) return;
        String problem = Descriptions.notASeries(v);
        if (problem != null) ev.report(Rule.EHRQL_WRONG_TYPE, at, "A case's value must be a series or a single value, but " + problem);
    }

    /** The series a case/when gives: the common type of its values, the widest level of everything. */
    private EValue valueOf(List<EValue> conditions, List<EValue> values, List<Py.Node> nodes) {
        String type = null;
        boolean known = true;
        Series first = null;
        for (EValue v : values) {
            if (v instanceof Series s) {
                if (first == null) first = s;
                if (s.type() == null) known = false;
                else if (type == null) type = s.type();
            } else if (v instanceof Lit l) {
                String t = litType(l);
                if (t != null && type == null) type = t;
            } else if (!(v instanceof Unknown)) {
                known = false;
            } else known = false;
        }
        // Report values whose type clearly differs from the first known one.
        String expected = null;
        for (int i = 0; i < values.size(); i++) {
            EValue v = values.get(i);
            String t = v instanceof Series s ? s.type() : v instanceof Lit l ? litType(l) : null;
            if (t == null) continue;
            if (expected == null) {
                expected = t;
                continue;
            }
            if (t.equals(expected) || compatibleLiteral(expected, v) || compatibleLiteral(t, firstWith(values, expected))) continue;
            Py.Node at = i < nodes.size() ? nodes.get(i) : null;
            if (at != null) {
                ev.report(expected.equals("int") && t.equals("float") || expected.equals("float") && t.equals("int") ? Rule.EHRQL_INT_FLOAT : Rule.EHRQL_WRONG_TYPE,
                        at, "All values of a case must have the same type: the first is " + article(expected) + ", this one " + describe(v) + ".");
            }
            return UNKNOWN;
        }
        boolean event = false;
        Schema.Table t = null;
        for (EValue x : conditions) if (isEvent(x)) {
            event = true;
            t = tableOf(x);
        }
        for (EValue x : values) if (isEvent(x)) {
            event = true;
            t = tableOf(x);
        }
        if (!known && type == null) return event ? new Series(null, true, t, null, null) : new Series(null, false, null, null, null);
        return new Series(type, event, event ? t : null, null, null);
    }

    private static EValue firstWith(List<EValue> values, String type) {
        for (EValue v : values) {
            String t = v instanceof Series s ? s.type() : v instanceof Lit l ? litType(l) : null;
            if (type.equals(t)) return v;
        }
        return UNKNOWN;
    }

    /** A literal that ehrQL casts to a series type (an int to float, a string to a date or code). */
    private boolean compatibleLiteral(String seriesType, EValue v) {
        if (!(v instanceof Lit l)) return false;
        String fam = schema.family(seriesType);
        return switch (l.kind()) {
            case INT -> fam.equals("Float") || fam.equals("Int");
            case STR -> fam.equals("Date") || fam.equals("Code") || fam.equals("Str") || fam.equals("MultiCodeString");
            case BOOL -> fam.equals("Bool") || fam.equals("Int");
            case DATE -> fam.equals("Date");
            default -> true;
        };
    }

    private EValue caseCall(List<ArgV> args, Py.Call c) {
        List<EValue> conds = new ArrayList<>(), values = new ArrayList<>();
        List<Py.Node> nodes = new ArrayList<>();
        boolean unknown = false;
        java.util.Set<String> conditions = new java.util.HashSet<>();
        boolean allNone = true;
        for (ArgV a : args) {
            if (a.arg().kind() == Py.ArgKind.POSITIONAL) {
                if (a.value() instanceof When w) {
                    if (!w.hasThen()) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "Each case needs a value: write when(condition).then(value).");
                        unknown = true;
                        continue;
                    }
                    // Upstream keys its cases by condition: the same condition twice is refused.
                    if (w.conditionText() != null && !conditions.add(w.conditionText())) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "This condition is already a case of this case(): ehrQL rejects a duplicated "
                                + "condition. Remove this one or change its condition.");
                    }
                    if (!isNone(w.then())) allNone = false;
                    conds.add(w.condition());
                    values.add(w.then());
                    nodes.add(a.node());
                } else if (a.value() instanceof Series || a.value() instanceof Lit) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "case() takes when(condition).then(value) items (and otherwise=), not " + describe(a.value()) + ".");
                    unknown = true;
                } else unknown = true;
            } else if (a.arg().kind() == Py.ArgKind.KEYWORD && "otherwise".equals(a.arg().keyword())) {
                checkOutcome(a.value(), a.node());
                if (!isNone(a.value())) allNone = false;
                values.add(a.value());
                nodes.add(a.node());
            } else unknown = true;
        }
        if (args.isEmpty()) {
            ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), "case() needs at least one when(...).then(...).");
            return UNKNOWN;
        }
        if (allNone && !unknown && !conds.isEmpty()) {
            ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), "Every value of this case() is None, which ehrQL rejects: give at least "
                    + "one value that is not None.");
            return UNKNOWN;
        }
        EValue r = valueOf(conds, values, nodes);
        if (unknown && r instanceof Series s) return new Series(s.type(), s.event(), s.table(), null, null);
        return r;
    }

    /** codelist_from_csv(filename, *, column, category_column=None): any other keyword is a TypeError when the file is loaded. */
    private static final List<String> CODELIST_KEYWORDS = List.of("filename", "column", "category_column");

    /** Reports each keyword codelist_from_csv does not take, on the keyword itself; true if there was one. */
    private boolean unknownCodelistKeywords(List<ArgV> args) {
        boolean any = false;
        for (ArgV a : args) {
            Py.Arg arg = a.arg();
            if (arg.kind() != Py.ArgKind.KEYWORD || CODELIST_KEYWORDS.contains(arg.keyword())) continue;
            any = true;
            Optional<String> dym = DidYouMean.closest(arg.keyword(), CODELIST_KEYWORDS);
            ev.report(Rule.EHRQL_CODELIST_COLUMN_MISSING, arg.keywordStart(), arg.keywordEnd(), "codelist_from_csv has no argument '"
                    + arg.keyword() + "': it takes the file name, column= and category_column=." + DidYouMean.suffix(dym),
                    dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(arg.keywordStart(), arg.keywordEnd()), x)).stream().toArray(Fix[]::new));
        }
        return any;
    }

    private EValue codelistFromCsv(List<ArgV> args, Py.Call c) {
        List<ArgV> pos = positional(args);
        ArgV path = !pos.isEmpty() ? pos.get(0) : keyword(args, "filename");
        ArgV column = keyword(args, "column");
        ArgV category = keyword(args, "category_column");
        if (hasStar(args)) return new Codelist(null, null, null, ev.origin(c));
        // A misspelt column= is reported where the misspelling is, not a second time on the name (another line, in a long call).
        boolean misspelt = unknownCodelistKeywords(args);
        if (column == null && !misspelt && pos.size() >= 2) {
            ev.report(Rule.EHRQL_CODELIST_COLUMN_MISSING, pos.get(1).node(), "codelist_from_csv's column must be given by keyword: column=\"code\".");
        } else if (column == null && !misspelt) {
            ev.report(Rule.EHRQL_CODELIST_COLUMN_MISSING, nameStart(c), nameEnd(c), "codelist_from_csv needs column= naming the CSV column that holds the codes, e.g. column=\"code\".");
        }
        String p = path != null && path.value() instanceof Lit l && l.value() instanceof String s ? s : null;
        String col = column != null && column.value() instanceof Lit l && l.value() instanceof String s ? s : null;
        String cat = category != null && category.value() instanceof Lit l && l.value() instanceof String s ? s : null;
        if (p != null && ev.folder != null && ev.folder.known()) {
            Optional<java.nio.file.Path> resolved = ev.folder.resolve(p);
            if (resolved.isPresent() && ev.folder.leavesFolder(resolved.get())) {
                ev.report(Rule.FILE_OUTSIDE_STUDY, path.node(), "'" + Excerpt.of(p) + "' is a link to a file outside the study folder,"
                        + " so it is not read; commit the codelist file itself, not a link.");
            } else if (resolved.isPresent() && !java.nio.file.Files.isRegularFile(resolved.get())) {
                // A file another action writes (output/..., or named in project.yaml) is there when the job runs.
                if (!p.startsWith("output/") && !FileRules.projectYamlMentions(ev.folder, p)) {
                    String hint = p.contains("\\") ? " Use forward slashes in the path." : " Paths are relative to the study ev.folder (where project.yaml is); run `opensafely codelists update` if it should be downloaded.";
                    ev.report(Rule.EHRQL_CODELIST_FILE_MISSING, path.node(), "No codelist file at '" + p + "'." + hint);
                }
            } else if (resolved.isPresent()) {
                Optional<CodelistCsvFiles.Csv> csv = ev.csvs.read(ev.folder, resolved.get());
                if (csv.isPresent() && csv.get().headerTooLong()) {
                    ev.report(Rule.CODELIST_HEADER_TOO_LONG, path.node(), csv.get().headerTooLongMessage(Excerpt.of(p)));
                } else if (csv.isPresent() && !csv.get().header().isEmpty()) {
                    List<String> header = csv.get().header();
                    if (col != null && !header.contains(col)) {
                        Optional<String> dym = DidYouMean.closest(col, csv.get().suggestibleHeader());
                        ev.report(Rule.EHRQL_CODELIST_COLUMN_MISSING, column.node(), "'" + p + "' has no column '" + col + "'; its columns are "
                                + csv.get().describeHeader() + "." + DidYouMean.suffix(dym),
                                dym.map(x -> Fix.replace("Change to \"" + x + "\"", file.range(column.node().start(), column.node().end()), "\"" + x + "\"")).stream().toArray(Fix[]::new));
                    }
                    if (cat != null && !header.contains(cat)) {
                        Optional<String> dym = DidYouMean.closest(cat, csv.get().suggestibleHeader());
                        ev.report(Rule.EHRQL_CODELIST_COLUMN_MISSING, category.node(), "'" + p + "' has no column '" + cat + "'; its columns are "
                                + csv.get().describeHeader() + "." + DidYouMean.suffix(dym));
                    }
                }
            }
        }
        return new Codelist(p, col, category == null ? null : (cat == null ? "?" : cat), ev.origin(c));
    }

    EValue durationCall(Duration d, String name, List<ArgV> args, Py.Call c) {
        List<ArgV> pos = positional(args);
        if (d.seriesValue()) {
            ev.report(Rule.EHRQL_INVALID_INTERVAL, nameStart(c), nameEnd(c), name + "() needs the number of " + d.unit() + " as a literal int, not a series.");
        }
        if (d.literal() != null && d.literal() < 0) {
            ev.report(Rule.EHRQL_INVALID_INTERVAL, nameStart(c), nameEnd(c), name + "() needs a non-negative number of intervals.");
        }
        if (!pos.isEmpty()) {
            EValue v = pos.get(0).value();
            if (v instanceof Lit l && l.kind() == LitKind.STR) checks.checkDateLiteral(l);
            else if (v instanceof Series || v instanceof Lit l2 && l2.kind() != LitKind.DATE || v instanceof IntervalPlaceholder) {
                ev.report(Rule.EHRQL_INVALID_INTERVAL, pos.get(0).node(), name + "() needs a literal date (\"YYYY-MM-DD\"), not " + describe(v) + ".");
            }
        } else if (args.isEmpty()) {
            ev.report(Rule.EHRQL_INVALID_INTERVAL, nameStart(c), nameEnd(c), name + "() needs the date to start (or end) on, e.g. " + name + "(\"2024-01-01\").");
        }
        return new Intervals();
    }
}
