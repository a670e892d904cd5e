package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Interpreter.Modules;
import opensafely.lsp.study.Value.Origin;

/**
 * What the code reads from committed files of the study (through {@link Modules#readData}, never outside it):
 * {@code json.load(open(...))}, and the codes of a {@code codelist_from_csv} when a loop iterates over them.
 */
final class DataFiles {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Modules modules;

    DataFiles(Modules modules) {
        this.modules = modules;
    }

    /**
     * The elements of a codelist, as iterating it in Python gives them: code strings, or (code, category) tuples.
     * A CSV codelist is read from the study folder (stripped codes, blank ones skipped, duplicates kept); a
     * combined one joins its parts keeping the first of each code. Null when anything is not known.
     */
    List<Value> codes(Value.Codelist cl, int nesting) {
        if (nesting > 8) return null;
        switch (cl.kind()) {
            case "literal" -> {
                return cl.parts();
            }
            case "combined" -> {
                if (cl.parts() == null) return null;
                List<Value> out = new ArrayList<>();
                Set<String> seen = new java.util.HashSet<>();
                for (Value part : cl.parts()) {
                    List<Value> codes = part instanceof Value.Codelist p ? codes(p, nesting + 1) : null;
                    if (codes == null) return null;
                    for (Value code : codes) {
                        Value key = code instanceof Value.ListV t && t.tuple && !t.items.isEmpty() ? t.items.get(0) : code;
                        if (!(key instanceof Value.Str k)) return null;
                        if (seen.add(k.value())) out.add(code);
                    }
                }
                return out.size() <= Interpreter.MAX_ITEMS ? out : null;
            }
            case "csv" -> {
                if (cl.path() == null || cl.column() == null || cl.origin() == null) return null;
                boolean categorised = Boolean.TRUE.equals(cl.categorised());
                if (categorised && cl.categoryColumn() == null) return null;
                String text = modules.readData(cl.origin().file(), cl.path());
                if (text == null) return null;
                String[] lines = text.split("\r?\n");
                if (lines.length == 0) return null;
                String first = lines[0].startsWith("\uFEFF") ? lines[0].substring(1) : lines[0];
                List<String> header = CodelistCsvFiles.split(first);
                int col = header.indexOf(cl.column());
                int cat = categorised ? header.indexOf(cl.categoryColumn()) : -1;
                if (col < 0 || categorised && cat < 0) return null;
                List<Value> out = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].isEmpty()) continue;
                    if (lines[i].chars().filter(ch -> ch == '"').count() % 2 != 0) return null; // a quoted line break
                    List<String> row = CodelistCsvFiles.split(lines[i]);
                    if (row.size() != header.size()) return null;
                    String code = row.get(col).strip();
                    if (code.isEmpty()) continue;
                    Value.Str c = new Value.Str(code, -1, cl.origin());
                    out.add(categorised ? new Value.ListV(List.of(c, new Value.Str(row.get(cat).strip(), -1, cl.origin())), true, cl.origin()) : c);
                    if (out.size() > Interpreter.MAX_ITEMS) return null;
                }
                return out;
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code json.load(f)} of a committed file of the study: its contents, or unknown. */
    Value json(SourceFile f, Value.FileRef file, Origin o) {
        String text = modules.readData(f, file.path());
        if (text == null) return Value.UNKNOWN;
        try {
            int[] budget = {Interpreter.MAX_ITEMS};
            Value v = fromJson(JSON.readTree(text), o, budget);
            return budget[0] < 0 ? Value.UNKNOWN : v;
        } catch (java.io.IOException | RuntimeException e) {
            return Value.UNKNOWN;
        }
    }

    private static Value fromJson(com.fasterxml.jackson.databind.JsonNode n, Origin o, int[] budget) {
        if (--budget[0] < 0 || n == null) return Value.UNKNOWN;
        if (n.isObject()) {
            Value.DictV d = new Value.DictV(o);
            for (java.util.Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
                d.put(new Value.Entry(new Value.Str(e.getKey(), -1, o), fromJson(e.getValue(), o, budget), o));
            }
            return d;
        }
        if (n.isArray()) {
            List<Value> items = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode x : n) items.add(fromJson(x, o, budget));
            return new Value.ListV(items, false, o);
        }
        if (n.isTextual()) return new Value.Str(n.textValue(), -1, o);
        if (n.isIntegralNumber()) return n.canConvertToLong() ? new Value.Num(n.longValue(), true, o) : Value.UNKNOWN;
        if (n.isNumber()) return new Value.Num(n.doubleValue(), false, o);
        if (n.isBoolean()) return new Value.Bool(n.booleanValue(), o);
        if (n.isNull()) return new Value.None(o);
        return Value.UNKNOWN;
    }
}
