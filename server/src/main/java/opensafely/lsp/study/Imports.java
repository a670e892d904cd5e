package opensafely.lsp.study;

import java.util.Map;
import java.util.Set;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Interpreter.Binding;
import opensafely.lsp.study.Interpreter.Env;
import opensafely.lsp.study.Interpreter.Loaded;
import opensafely.lsp.study.Interpreter.Modules;
import opensafely.lsp.study.Value.Origin;

/**
 * The import statements of a study definition: names from cohortextractor become {@link Value.Builtin}s, {@code json}
 * is known, and a sibling module of the study is evaluated (by {@link Modules}) and its names bound here.
 */
final class Imports {
    private static final Set<String> COHORTEXTRACTOR_NAMES = Set.of("StudyDefinition", "Measure", "codelist",
            "codelist_from_csv", "combine_codelists", "filter_codes_by_category", "patients", "params");

    private final Modules modules;

    Imports(Modules modules) {
        this.modules = modules;
    }

    /** {@code import x, y.z as w}: cohortextractor and json are known; a sibling module is read; the rest unknown. */
    void importModules(SourceFile f, Py.Import i, Env env) {
        for (Py.Alias a : i.names()) {
            String first = a.name().split("\\.")[0];
            String bound = a.asName() != null ? a.asName() : first;
            Origin where = new Origin(f, a.start(), a.end());
            if (a.name().equals("cohortextractor") || a.name().startsWith("cohortextractor.")) {
                env.bind(bound, new Value.Builtin(a.asName() != null ? a.name() : first, where), where);
                continue;
            }
            if (a.name().equals("json")) {
                env.bind(bound, new Value.Builtin("json", where), where);
                continue;
            }
            Loaded m = a.name().contains(".") ? null : modules.load(f, a.name(), 0);
            env.bind(bound, m == null ? Value.UNKNOWN : new Value.Module(a.name(), m.env(), new Origin(m.file(), 0, 0)), where);
        }
    }

    /** {@code from x import a, b} and {@code from x import *}: of cohortextractor, or of a sibling module. */
    void importFrom(SourceFile f, Py.ImportFrom i, Env env) {
        Origin modOrigin = new Origin(f, i.moduleStart(), i.moduleEnd());
        if (i.level() == 0 && (i.module().equals("cohortextractor") || i.module().startsWith("cohortextractor."))) {
            if (i.star()) {
                for (String n : COHORTEXTRACTOR_NAMES) env.bind(n, new Value.Builtin(n, modOrigin), modOrigin);
            }
            for (Py.Alias a : i.names()) {
                Origin where = new Origin(f, a.start(), a.end());
                env.bind(a.bound(), new Value.Builtin(a.name(), where), where);
            }
            return;
        }
        Loaded m = modules.load(f, i.module(), i.level());
        if (i.star()) {
            if (m == null) {
                env.openStarImport = true;
                return;
            }
            if (m.env().openStarImport) env.openStarImport = true;
            for (Map.Entry<String, Binding> e : m.env().names.entrySet()) {
                if (!e.getKey().startsWith("_")) env.names.put(e.getKey(), e.getValue());
            }
            return;
        }
        for (Py.Alias a : i.names()) {
            Origin where = new Origin(f, a.start(), a.end());
            Binding b = m == null ? null : m.env().names.get(a.name());
            if (b == null && m != null) {
                Loaded sub = modules.load(f, i.module() + "." + a.name(), i.level());
                if (sub != null) b = new Binding(new Value.Module(a.name(), sub.env(), new Origin(sub.file(), 0, 0)), new Origin(sub.file(), 0, 0));
            }
            // Keep where the name was really defined, for go-to-definition across modules.
            env.bind(a.bound(), b == null ? Value.UNKNOWN : b.value(), b == null ? where : b.defined());
        }
    }
}
