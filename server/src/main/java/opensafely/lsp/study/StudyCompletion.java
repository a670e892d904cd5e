package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyFind;
import opensafely.lsp.study.StudyAnalyzer.Analysis;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;

/** Completion in study definitions: functions, arguments, enumerated values, codelists, paths and variables. */
final class StudyCompletion {
    private static final Pattern PATIENTS_DOT = Pattern.compile("patients\\.(\\w*)$");
    private static final Pattern IDENT_TAIL = Pattern.compile("(\\w*)$");

    List<Completion> complete(Analysis a, Document doc, Position pos) {
        String text = doc.text();
        int offset = a.file().lines.offset(pos);
        String before = text.substring(a.file().lines.lineStart(pos.line()), offset);
        CursorContext cur = CursorContext.at(text, offset);
        List<Completion> out = new ArrayList<>();
        if (!cur.inString()) {
            Matcher m = PATIENTS_DOT.matcher(before);
            if (m.find()) {
                Range replace = a.file().range(offset - m.group(1).length(), offset);
                for (Catalog.Function fn : Catalog.get().functions()) {
                    out.add(new Completion(fn.name(), Completion.Kind.FUNCTION, StudyDocs.returns(fn, null).replace("`", ""),
                            StudyDocs.function(fn, null), StudyDocs.snippet(fn), true, replace, sortKey(fn)));
                }
                return out;
            }
        }
        Matcher tail = IDENT_TAIL.matcher(cur.inString() ? cur.stringSoFar() : before);
        String word = tail.find() ? tail.group(1) : "";
        Range replace = a.file().range(offset - word.length(), offset);
        CursorContext.Frame call = cur.patientsCall();
        CursorContext.Frame inner = cur.innermost();
        // The path of codelist_from_csv, also where it is written inline as a patients function's argument.
        if (cur.inString() && inner != null && inner.bracket() == '(' && inner.callee() != null
                && inner.callee().endsWith("codelist_from_csv") && cur.keyword(inner) == null
                && cur.argumentText(inner).trim().matches("[\"']?[^,]*")) {
            return csvPaths(doc, cur, offset, a);
        }
        if (call != null) {
            String fnName = call.callee().substring("patients.".length());
            Catalog.Function fn = Catalog.get().function(fnName).orElse(null);
            if (fn == null) return out;
            String kw = cur.keyword(call);
            if (!cur.inString() && inner == call && kw == null && cur.argumentText(call).matches("\\s*\\w*")) {
                Py.Call node = callAt(a, call.open());
                Set<String> given = givenKeywords(node);
                // Positional arguments fill the first parameters in order: those are given too.
                int positional = positionalBefore(node, offset);
                List<Catalog.Param> named = fn.named();
                for (int i = 0; i < Math.min(positional, named.size()); i++) given.add(named.get(i).name());
                for (Catalog.Param p : named) {
                    if (given.contains(p.name()) || p.deprecated()) continue;
                    String detail = p.type() + (p.required() ? " (required)" : p.hasDefault() ? " = " + p.defaultText() : "");
                    out.add(new Completion(p.name(), Completion.Kind.PROPERTY, detail, StudyDocs.param(fn, p), p.name() + "=", false,
                            replace, (p.required() ? "0" : "1") + p.name()));
                }
                // The next positional slot takes a codelist (the first argument of the with_these_* functions).
                if (positional < named.size() && named.get(positional).type().contains("codelist")) out.addAll(codelists(a, replace));
                return out;
            }
            if (cur.inString()) {
                if (fn.name().equals("satisfying") && inner == call || (fn.name().equals("categorised_as") && inner != call
                        && inner.bracket() == '{' && cur.depthInside(call) == 1)) {
                    return expressionVariables(a, replace, offset);
                }
                if (inner == call && kw != null) {
                    Catalog.Param p = fn.param(kw).orElse(null);
                    if (p == null) return out;
                    Range whole = a.file().range(cur.stringContentStart, offset);
                    if (kw.equals("returning") && !fn.byReturning().isEmpty()) {
                        for (Map.Entry<String, String> e : fn.byReturning().entrySet()) {
                            if (e.getKey().contains("<")) continue;
                            out.add(value(e.getKey(), "→ " + e.getValue(), whole));
                        }
                        return out;
                    }
                    if (p.allowed() != null) {
                        for (Object v : p.allowed()) if (v instanceof String s) out.add(value(s, p.name(), whole));
                        return out;
                    }
                    if (p.type().equals("date_format")) {
                        for (String s : List.of("YYYY", "YYYY-MM", "YYYY-MM-DD")) out.add(value(s, "date_format", whole));
                        return out;
                    }
                    if (p.type().startsWith("date_expr")) return dates(replace);
                    if (p.type().startsWith("column_ref")) return variables(a, replace);
                }
                if (inner != call && inner.bracket() == '[' && cur.depthInside(call) == 1 && "between".equals(kw)) return dates(replace);
            } else if (inner == call && kw != null) {
                Catalog.Param p = fn.param(kw).orElse(null);
                if (p != null && (p.type().equals("codelist") || p.type().contains("codelist"))) return codelists(a, replace);
                if (p != null && p.type().equals("bool")) {
                    out.add(new Completion("True", Completion.Kind.VALUE, "bool", null, "True", false, replace, "0"));
                    out.add(new Completion("False", Completion.Kind.VALUE, "bool", null, "False", false, replace, "1"));
                }
            }
            return out;
        }
        if (cur.inString() && inner != null && inner.bracket() == '(' && inner.callee() != null) {
            String callee = inner.callee();
            String kw = cur.keyword(inner);
            if (callee.endsWith("Measure") && ("numerator".equals(kw) || "denominator".equals(kw) || "group_by".equals(kw))) {
                return variables(a, replace);
            }
        }
        if (cur.inString() && inner != null && inner.bracket() == '[' && cur.frames.size() > 1) {
            CursorContext.Frame outer = cur.frames.get(1);
            if (outer.callee() != null && outer.callee().endsWith("Measure") && "group_by".equals(cur.keyword(outer))) return variables(a, replace);
        }
        return out;
    }

    private static String sortKey(Catalog.Function fn) {
        boolean common = Set.of("with_these_clinical_events", "with_these_medications", "age_as_of", "sex", "registered_as_of",
                "satisfying", "categorised_as", "registered_with_one_practice_between", "died_from_any_cause", "admitted_to_hospital").contains(fn.name());
        return (common ? "0" : "1") + fn.name();
    }

    private static Completion value(String v, String detail, Range replace) {
        return new Completion(v, Completion.Kind.VALUE, detail, null, v, false, replace, v);
    }

    /** The call whose opening parenthesis is at {@code open}, or null while it does not parse as one. */
    private static Py.Call callAt(Analysis a, int open) {
        for (Py.Node n : PyFind.path(a.file().module, open + 1)) {
            if (n instanceof Py.Call c && c.open() == open) return c;
        }
        return null;
    }

    private static Set<String> givenKeywords(Py.Call call) {
        Set<String> out = new LinkedHashSet<>();
        if (call != null) {
            for (Py.Arg arg : call.args()) if (arg.keyword() != null) out.add(arg.keyword());
        }
        return out;
    }

    /** Positional arguments of the call other than the one being typed at {@code offset}. */
    private static int positionalBefore(Py.Call call, int offset) {
        if (call == null) return 0;
        int n = 0;
        for (Py.Arg arg : call.args()) {
            if (arg.kind() == Py.ArgKind.POSITIONAL && !(arg.start() <= offset && offset <= arg.end())) n++;
        }
        return n;
    }

    private static List<Completion> variables(Analysis a, Range replace) {
        return variables(a, replace, v -> true);
    }

    /**
     * Names an expression may use: variables defined before the one being written (and the nested ones given
     * to the same call), or any variable in {@code population}, which cohort-extractor evaluates last.
     */
    private static List<Completion> expressionVariables(Analysis a, Range replace, int offset) {
        StudyModel.Variable writing = null;
        for (StudyModel.Variable v : a.model().variables) {
            Value.Origin o = v.value() == null ? null : v.value().origin();
            if (v.parent() == null && o != null && o.file() == a.file() && o.start() <= offset && offset <= o.end()) writing = v;
        }
        if (writing == null || writing.name().equals("population")) return variables(a, replace);
        StudyModel.Variable current = writing;
        return variables(a, replace, v -> v.order() < current.order() || isWithin(v, current));
    }

    private static boolean isWithin(StudyModel.Variable v, StudyModel.Variable outer) {
        for (StudyModel.Variable p = v.parent(); p != null; p = p.parent()) {
            if (p == outer) return true;
        }
        return false;
    }

    private static List<Completion> variables(Analysis a, Range replace, Predicate<StudyModel.Variable> usable) {
        List<Completion> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (StudyModel.Variable v : a.model().variables) {
            if (!usable.test(v) || !seen.add(v.name())) continue;
            String type = ColumnTypes.type(v, a.model());
            out.add(new Completion(v.name(), Completion.Kind.VARIABLE, type == null ? "variable" : type,
                    StudyDefinitionService.variable(v, a.model()), v.name(), false, replace, String.format("%05d", v.order())));
        }
        return out;
    }

    private static List<Completion> dates(Range replace) {
        List<Completion> out = new ArrayList<>();
        out.add(new Completion("index_date", Completion.Kind.CONSTANT, "the study's index date", null, "index_date", false, replace, "0"));
        out.add(new Completion("today", Completion.Kind.CONSTANT, "the date the study is run", null, "today", false, replace, "1"));
        for (String f : Catalog.get().dateFunctions) {
            out.add(new Completion(f, Completion.Kind.FUNCTION, "date function", null, f + "(${1:index_date})$0", true, replace, "2" + f));
        }
        return out;
    }

    private static List<Completion> codelists(Analysis a, Range replace) {
        List<Completion> out = new ArrayList<>();
        for (Interpreter.Env e = a.model().env; e != null; e = e.parent) {
            for (Map.Entry<String, Interpreter.Binding> b : e.names.entrySet()) {
                if (b.getValue().value() instanceof Value.Codelist cl) {
                    String detail = "codelist" + (cl.system() != null ? " (" + cl.system() + ")" : "") + (cl.path() != null ? " " + cl.path() : "");
                    out.add(new Completion(b.getKey(), Completion.Kind.VARIABLE, detail, null, b.getKey(), false, replace, b.getKey()));
                }
            }
        }
        return out;
    }

    private static List<Completion> csvPaths(Document doc, CursorContext cur, int offset, Analysis a) {
        List<Completion> out = new ArrayList<>();
        String typed = cur.stringSoFar();
        int slash = typed.lastIndexOf('/');
        String dir = slash < 0 ? "" : typed.substring(0, slash);
        Range replace = a.file().range(offset - (typed.length() - slash - 1), offset);
        for (String entry : doc.folder().list(dir.isEmpty() ? "codelists" : dir)) {
            boolean folder = entry.endsWith("/");
            if (!folder && !entry.endsWith(".csv")) continue;
            String insert = dir.isEmpty() ? "codelists/" + entry : entry;
            Range r = dir.isEmpty() ? a.file().range(cur.stringContentStart, offset) : replace;
            out.add(new Completion(insert, folder ? Completion.Kind.FOLDER : Completion.Kind.FILE, folder ? "folder" : "codelist CSV",
                    null, insert, false, r, insert));
        }
        return out;
    }
}
