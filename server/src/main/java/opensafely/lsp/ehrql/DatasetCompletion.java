package opensafely.lsp.ehrql;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.ehrql.DatasetAnalyzer.Analysis;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.ehrql.EValue.Module;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;

/** Completion in dataset definitions: imports, members after a dot (typed from the evaluation), names in scope. */
final class DatasetCompletion {
    private static final Pattern FROM_IMPORT = Pattern.compile("^\\s*from\\s+([\\w.]+)\\s+import\\s+(?:\\(\\s*)?(?:[\\w\\s,]*,\\s*)?(\\w*)$");
    private static final Pattern FROM_MODULE = Pattern.compile("^\\s*from\\s+(ehrql[\\w.]*)$");
    private static final Pattern DOT = Pattern.compile("\\.(\\w*)$");
    private static final Pattern WORD = Pattern.compile("(\\w*)$");
    private static final Pattern CSV_PATH = Pattern.compile("codelist_from_csv\\(\\s*(?:filename\\s*=\\s*)?[\"']([^\"']*)$");
    private static final Pattern OPEN_IMPORT = Pattern.compile("(?s)\\bfrom\\s+([\\w.]+)\\s+import\\s*\\(([^)]*)$");

    List<Completion> complete(Analysis a, Document doc, Position pos) {
        String text = doc.text();
        int offset = a.file().lines.offset(pos);
        String before = text.substring(a.file().lines.lineStart(pos.line()), offset);
        List<Completion> out = new ArrayList<>();
        Matcher path = CSV_PATH.matcher(before);
        if (path.find()) {
            csvPaths(doc, path.group(1), offset, a, out);
            return out;
        }
        if (inStringOrComment(before)) return out;
        Schema schema = Schema.get();
        String open = openImport(text, offset);
        if (open != null) {
            Matcher w = WORD.matcher(before);
            String word = w.find() ? w.group(1) : "";
            importNames(open, a.file().range(offset - word.length(), offset), out);
            return out;
        }
        Matcher m = FROM_IMPORT.matcher(before);
        if (m.find()) {
            Range replace = a.file().range(offset - m.group(2).length(), offset);
            importNames(m.group(1), replace, out);
            return out;
        }
        m = FROM_MODULE.matcher(before);
        if (m.find()) {
            String typed = m.group(1);
            int cut = typed.lastIndexOf('.') + 1;
            Range replace = a.file().range(offset - (typed.length() - cut), offset);
            List<String> mods = new ArrayList<>(List.of("ehrql", "ehrql.codes", "ehrql.tables"));
            mods.addAll(schema.modules.keySet());
            String prefix = typed.substring(0, cut);
            for (String mod : mods) {
                if (!mod.startsWith(prefix) || mod.length() <= prefix.length()) continue;
                String rest = mod.substring(prefix.length());
                out.add(new Completion(rest, Completion.Kind.MODULE, mod, null, rest, false, replace, rest));
            }
            return out;
        }
        m = DOT.matcher(before);
        if (m.find()) {
            int dot = offset - m.group(1).length() - 1;
            Range replace = a.file().range(dot + 1, offset);
            EValue recv = receiver(a, doc, dot);
            members(recv, replace, out);
            return out;
        }
        Matcher w = WORD.matcher(before);
        String word = w.find() ? w.group(1) : "";
        Range replace = a.file().range(offset - word.length(), offset);
        keywords(a, doc, offset - word.length(), replace, out);
        for (Map.Entry<String, Binding> e : a.globals().entrySet()) {
            EValue v = e.getValue().value();
            String detail = EhrqlDocs.value(v);
            Completion.Kind kind = v instanceof Frame ? Completion.Kind.VARIABLE : v instanceof Func || v instanceof LocalFunc
                    ? Completion.Kind.FUNCTION : v instanceof Module ? Completion.Kind.MODULE : Completion.Kind.VARIABLE;
            out.add(new Completion(e.getKey(), kind, detail == null ? "" : detail.replace("`", ""), detail, e.getKey(), false, replace,
                    (v instanceof Unknown ? "9" : "1") + e.getKey()));
        }
        return out;
    }

    /** Keyword arguments of the ehrQL call whose argument list the cursor starts a new argument in. */
    private void keywords(Analysis a, Document doc, int wordStart, Range replace, List<Completion> out) {
        String text = doc.text();
        int i = wordStart;
        while (i > 0 && Character.isWhitespace(text.charAt(i - 1))) i--;
        if (i == 0 || (text.charAt(i - 1) != '(' && text.charAt(i - 1) != ',')) return;
        // find the call's opening parenthesis
        int depth = 0, j = i - 1;
        for (; j >= 0; j--) {
            char c = text.charAt(j);
            if (c == ')' || c == ']' || c == '}') depth++;
            else if (c == '(' || c == '[' || c == '{') {
                if (depth == 0) break;
                depth--;
            }
        }
        if (j <= 0 || text.charAt(j) != '(') return;
        EValue callee = receiver(a, doc, j);
        List<String[]> kws = new ArrayList<>();
        if (callee instanceof Method m && m.name().equals("configure_dummy_data")) {
            Schema.get().dummyDataOptions.forEach((k, v) -> kws.add(new String[] {k, v}));
        } else if (callee instanceof Method m && m.receiver() instanceof Measures && (m.name().equals("define_measure") || m.name().equals("define_defaults"))) {
            for (String k : MeasuresCalls.MEASURE_KEYS) {
                if (k.equals("name") && m.name().equals("define_defaults")) continue;
                kws.add(new String[] {k, switch (k) {
                    case "name" -> "str: the measure's name";
                    case "numerator", "denominator" -> "boolean or integer patient series";
                    case "group_by" -> "dict of name -> patient series";
                    default -> "intervals, e.g. months(12).starting_on(\"2024-01-01\")";
                }});
            }
        } else if (callee instanceof Func f && f.name().equals("codelist_from_csv")) {
            kws.add(new String[] {"column", "str: the CSV column with the codes"});
            kws.add(new String[] {"category_column", "str: a column of categories (makes a dict)"});
        } else if (callee instanceof Func f && f.name().equals("case")) {
            kws.add(new String[] {"otherwise", "the value when no condition is true"});
        }
        for (String[] k : kws) {
            out.add(new Completion(k[0] + "=", Completion.Kind.PROPERTY, k[1], null, k[0] + "=", false, replace, "0" + k[0]));
        }
    }

    /** The module of a parenthesised {@code from M import (...} the cursor is inside, or null. */
    private static String openImport(String text, int offset) {
        int from = text.lastIndexOf("from ", offset);
        if (from < 0 || offset - from > 4000) return null;
        Matcher m = OPEN_IMPORT.matcher(text.substring(from, offset));
        return m.find() && m.start() == 0 ? m.group(1) : null;
    }

    /** Paths of CSV files (and folders) while typing the first argument of codelist_from_csv. */
    private void csvPaths(Document doc, String typed, int offset, Analysis a, List<Completion> out) {
        int slash = typed.lastIndexOf('/');
        String dir = slash < 0 ? "" : typed.substring(0, slash + 1);
        Range replace = a.file().range(offset - (typed.length() - dir.length()), offset);
        for (String name : doc.folder().list(dir.isEmpty() ? "" : dir.substring(0, dir.length() - 1))) {
            boolean folder = name.endsWith("/");
            if (!folder && !(name.endsWith(".csv") || name.endsWith(".csv.gz"))) continue;
            if (dir.isEmpty() && !folder) continue;
            out.add(new Completion(name, folder ? Completion.Kind.FOLDER : Completion.Kind.FILE, dir + name, null, name, false, replace,
                    (folder ? "1" : "0") + name));
        }
    }

    private static boolean inStringOrComment(String before) {
        boolean single = false, dbl = false;
        for (int i = 0; i < before.length(); i++) {
            char c = before.charAt(i);
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == '#' && !single && !dbl) return true;
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
        }
        return single || dbl;
    }

    private void importNames(String module, Range replace, List<Completion> out) {
        Schema schema = Schema.get();
        Map<String, Schema.Table> tables = schema.tables(module);
        if (tables != null) {
            for (Schema.Table t : tables.values()) {
                out.add(new Completion(t.name(), Completion.Kind.VARIABLE, (t.event() ? "event frame" : "patient frame") + " · " + t.columns().size() + " columns",
                        EhrqlDocs.table(t), t.name(), false, replace, t.name()));
            }
        } else if (module.equals("ehrql")) {
            for (String n : Imports.EHRQL_EXPORTS.stream().sorted().toList()) {
                String ret = schema.functionReturns.getOrDefault(n, "");
                out.add(new Completion(n, Character.isUpperCase(n.charAt(0)) ? Completion.Kind.CONSTANT : Completion.Kind.FUNCTION,
                        ret, signature(n), n, false, replace, n));
            }
        } else if (module.equals("ehrql.codes")) {
            for (Schema.CodeSystem cs : schema.codeSystems.values()) {
                out.add(new Completion(cs.name(), Completion.Kind.CONSTANT, cs.label(), "Code class for " + cs.label() + " codes; pattern `" + cs.pattern() + "`",
                        cs.name(), false, replace, cs.name()));
            }
            out.add(new Completion("codelist_from_csv", Completion.Kind.FUNCTION, "codelist", signature("codelist_from_csv"), "codelist_from_csv", false, replace, "codelist_from_csv"));
        } else if (module.equals("ehrql.tables")) {
            for (String mod : schema.modules.keySet()) {
                String rest = mod.substring("ehrql.tables.".length());
                if (!rest.contains(".")) out.add(new Completion(rest, Completion.Kind.MODULE, mod, null, rest, false, replace, rest));
            }
        }
    }

    static String signature(String fn) {
        List<String> args = Schema.get().functionArgs.get(fn);
        String ret = Schema.get().functionReturns.getOrDefault(fn, "");
        return "**" + fn + "(" + (args == null ? "" : String.join(", ", args)) + ")**" + (ret.isEmpty() ? "" : " → " + ret);
    }

    /** The value before a dot: from the evaluation when the parse has the expression there, else parsed from the text. */
    private EValue receiver(Analysis a, Document doc, int dot) {
        String text = doc.text();
        int start = scanBack(text, dot);
        if (start >= dot) return EValue.UNKNOWN;
        Py.Node best = null;
        for (Map.Entry<Py.Node, EValue> e : a.types().entrySet()) {
            Py.Node n = e.getKey();
            if (n.end() == dot && n.start() == start) {
                best = n;
                break;
            }
        }
        if (best != null) return a.types().get(best);
        String exprText = text.substring(start, dot);
        Py.Expr e = PyTreeBuilder.expression(exprText, start);
        if (e == null) return EValue.UNKNOWN;
        Findings quiet = new Findings(a.file());
        quiet.mute();
        Evaluator ev = new Evaluator(a.file(), quiet, (f, mod, level) -> null, doc.folder(), new CodelistCsvFiles(), new IdentityHashMap<>());
        ev.globals.putAll(a.globals());
        return ev.eval(e, ev.globals);
    }

    /** Start of the expression that ends at {@code end}: names, dots and balanced brackets. */
    static int scanBack(String text, int end) {
        int i = end;
        while (i > 0) {
            char c = text.charAt(i - 1);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
                i--;
            } else if (c == ')' || c == ']') {
                char open = c == ')' ? '(' : '[';
                int depth = 0;
                int j = i - 1;
                for (; j >= 0; j--) {
                    char d = text.charAt(j);
                    if (d == c) depth++;
                    else if (d == open && --depth == 0) break;
                }
                if (j < 0) return end;
                i = j;
            } else if ((c == ' ' || c == '\n' || c == '\t') && i >= 2 && text.charAt(i - 2) == '.' ) {
                i--;
            } else {
                break;
            }
        }
        // a leading dot (".where(...)" continuing the previous line) is not a start
        while (i < end && text.charAt(i) == '.') i++;
        return i;
    }

    private void members(EValue recv, Range replace, List<Completion> out) {
        Schema schema = Schema.get();
        if (recv instanceof Frame f) {
            Schema.Table t = f.table();
            t.columns().forEach((c, type) -> out.add(new Completion(c, Completion.Kind.PROPERTY,
                    Descriptions.typeName(new Series(type, f.event(), null, null, null)), EhrqlDocs.column(t, c, f.event()), c, false, replace, "0" + c)));
            for (Schema.Helper h : t.helpers().values()) {
                if (!h.property() && !f.tableMethods()) continue;
                out.add(new Completion(h.name(), h.property() ? Completion.Kind.PROPERTY : Completion.Kind.FUNCTION, "→ " + h.returns(),
                        EhrqlDocs.helper(t, h), h.property() ? h.name() : snippet(h.name(), h.params()), !h.property(), replace, "1" + h.name()));
            }
            List<String> methods = new ArrayList<>(List.of("exists_for_patient", "count_for_patient"));
            if (f.event()) methods.addAll(List.of("where", "except_where", "sort_by"));
            if (f.sorted()) methods.addAll(List.of("first_for_patient", "last_for_patient"));
            for (String mname : methods) {
                List<String> params = switch (mname) {
                    case "where", "except_where" -> List.of("condition");
                    case "sort_by" -> List.of("column");
                    default -> List.of();
                };
                out.add(new Completion(mname, Completion.Kind.FUNCTION, frameResult(mname, f), EhrqlDocs.frameMethod(mname, f), snippet(mname, params),
                        !params.isEmpty(), replace, "2" + mname));
            }
        } else if (recv instanceof Series s) {
            String fam = s.type() == null ? null : schema.family(s.type());
            if (fam == null || fam.equals("Unknown")) return;
            for (String mname : schema.methodNames(fam, s.event())) {
                Schema.Overload o = schema.overloads(mname, fam, s.event()).get(0);
                List<String> params = o.args().stream().map(x -> x.split("[:=]")[0].trim()).filter(x -> !x.startsWith("*")).toList();
                out.add(new Completion(mname, o.property() ? Completion.Kind.PROPERTY : Completion.Kind.FUNCTION, "→ " + EhrqlDocs.resultName(o, s),
                        EhrqlDocs.seriesMethod(mname, s), o.property() ? mname : snippet(mname, params), !o.property() && !params.isEmpty(), replace, mname));
            }
        } else if (recv instanceof Dataset d) {
            out.add(new Completion("define_population", Completion.Kind.FUNCTION, "(population_condition)", "Sets the population: a boolean patient series; call once.",
                    "define_population(${1:condition})", true, replace, "0define_population"));
            out.add(new Completion("add_column", Completion.Kind.FUNCTION, "(name, series)", "Adds a column, the same as dataset.<name> = series.",
                    "add_column(\"${1:name}\", ${2:series})", true, replace, "0add_column"));
            out.add(new Completion("configure_dummy_data", Completion.Kind.FUNCTION, "(population_size=10, legacy=False, timeout=60, additional_population_constraint=None)",
                    "Settings for dummy data only.", "configure_dummy_data(population_size=${1:1000})", true, replace, "0configure_dummy_data"));
            d.columns.forEach((n, c) -> {
                String detail = EhrqlDocs.value(c.value());
                out.add(new Completion(n, Completion.Kind.PROPERTY, detail == null ? "column" : detail.replace("`", ""), detail, n, false, replace, "1" + n));
            });
        } else if (recv instanceof Measures) {
            out.add(new Completion("define_measure", Completion.Kind.FUNCTION, "(name, numerator, denominator, group_by, intervals)", "Defines one measure.",
                    "define_measure(\n    name=\"${1:name}\",\n    numerator=${2:numerator},\n    denominator=${3:denominator},\n    intervals=${4:months(12).starting_on(\"2024-01-01\")},\n)",
                    true, replace, "0define_measure"));
            out.add(new Completion("define_defaults", Completion.Kind.FUNCTION, "(numerator, denominator, group_by, intervals)", "Defaults for every measure; call once.",
                    "define_defaults(${1})", true, replace, "1define_defaults"));
            out.add(new Completion("configure_dummy_data", Completion.Kind.FUNCTION, "(population_size, legacy, timeout, additional_population_constraint)",
                    "Settings for dummy data only.", "configure_dummy_data(population_size=${1:1000})", true, replace, "2configure_dummy_data"));
            out.add(new Completion("configure_disclosure_control", Completion.Kind.FUNCTION, "(enabled=True)", "Turns rounding and suppression of small numbers on or off.",
                    "configure_disclosure_control(enabled=${1:True})", true, replace, "3configure_disclosure_control"));
        } else if (recv instanceof Module m) {
            if (m.names() != null) {
                m.names().forEach((n, b) -> {
                    if (!n.equals(Evaluator.OPEN_NAMES)) out.add(new Completion(n, Completion.Kind.VARIABLE, String.valueOf(EhrqlDocs.value(b.value())), null, n, false, replace, n));
                });
            } else if (schema.tables(m.name()) != null || m.name().equals("ehrql") || m.name().equals("ehrql.codes") || m.name().equals("ehrql.tables")) {
                importNames(m.name(), replace, out);
            }
        } else if (recv instanceof IntervalPlaceholder) {
            for (String n : List.of("start_date", "end_date")) {
                out.add(new Completion(n, Completion.Kind.PROPERTY, "DatePatientSeries", "The " + n.replace('_', ' ') + " of the measure's interval.", n, false, replace, n));
            }
        } else if (recv instanceof DateDifference) {
            for (String n : List.of("days", "weeks", "months", "years")) {
                out.add(new Completion(n, Completion.Kind.PROPERTY, "IntSeries", "Whole " + n + " between the two dates.", n, false, replace, n));
            }
        } else if (recv instanceof Duration) {
            for (String n : List.of("starting_on", "ending_on")) {
                out.add(new Completion(n, Completion.Kind.FUNCTION, "→ intervals", "A list of consecutive (start, end) intervals, " + n.replace('_', ' ') + " a literal date.",
                        n + "(\"${1:2024-01-01}\")", true, replace, n));
            }
        } else if (recv instanceof When w) {
            String n = w.hasThen() ? "otherwise" : "then";
            out.add(new Completion(n, Completion.Kind.FUNCTION, "(value)", null, n + "(${1:value})", true, replace, n));
        }
    }

    private static String frameResult(String name, Frame f) {
        return switch (name) {
            case "exists_for_patient" -> "→ BoolPatientSeries";
            case "count_for_patient" -> "→ IntPatientSeries";
            case "first_for_patient", "last_for_patient" -> "→ PatientFrame";
            case "sort_by" -> "→ sorted EventFrame";
            default -> "→ EventFrame";
        };
    }

    private static String snippet(String name, List<String> params) {
        if (params.isEmpty()) return name + "()";
        StringBuilder b = new StringBuilder(name).append("(");
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) b.append(", ");
            b.append("${").append(i + 1).append(":").append(params.get(i).replace("}", "")).append("}");
        }
        return b.append(")").toString();
    }
}
