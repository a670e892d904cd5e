package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.python.Py;
import opensafely.lsp.scripts.PythonScriptReader.Scope;
import opensafely.lsp.scripts.PythonScriptReader.Walk;

/**
 * The calls of a Python script that read or write files, build paths and strings, or change a table's columns: the
 * part of {@link PythonScriptReader} that knows pandas, pathlib, {@code os.path}, {@code open} and matplotlib.
 */
final class PythonCalls {
    /** pandas (and pyarrow) readers that give a DataFrame, whose columns are then followed. */
    private static final Set<String> TABLE_READERS = Set.of("pandas.read_csv", "pandas.read_feather", "pandas.read_parquet",
            "pandas.read_stata", "pandas.read_pickle", "pandas.read_table", "pandas.read_excel", "pandas.read_json",
            "pyarrow.feather.read_feather");
    /** Readers of files whose result is not followed. */
    private static final Set<String> OTHER_READERS = Set.of("pyarrow.feather.read_table", "pyarrow.parquet.read_table",
            "pyarrow.csv.read_csv", "numpy.load", "numpy.loadtxt", "numpy.genfromtxt", "pandas.read_sas", "pandas.read_spss");
    private static final Set<String> OPENERS = Set.of("builtins.open", "io.open", "gzip.open", "codecs.open", "bz2.open");
    /** DataFrame methods that write the file named by their first argument; without one, those in {@link #TO_STRING} return text. */
    private static final Set<String> TABLE_WRITERS = Set.of("to_csv", "to_json", "to_html", "to_markdown", "to_latex", "to_string",
            "to_excel", "to_feather", "to_parquet", "to_pickle", "to_stata", "to_xml");
    private static final Set<String> TO_STRING = Set.of("to_csv", "to_json", "to_html", "to_markdown", "to_latex", "to_string", "to_xml");
    private static final List<String> PATH_KEYWORDS = List.of("path_or_buf", "filepath_or_buffer", "path", "buf", "fname", "excel_writer",
            "io", "source", "file", "where", "dest");
    /** Methods named like writers that write to nothing but an object already open (or that write nothing at all). */
    private static final Set<String> NON_WRITERS = Set.of("to_datetime", "to_numeric", "to_timedelta", "to_period", "to_timestamp",
            "to_dict", "to_list", "to_numpy", "to_frame", "to_records", "to_series", "to_offset", "to_pydatetime", "to_flat_index",
            "to_julian_date", "to_pandas", "to_pylist", "to_pydict", "to_arrow", "to_dense", "to_sparse", "to_native_types",
            "dumps", "write", "writelines", "writerow", "writerows", "writeheader", "to_rgba", "to_hex", "to_rgb", "save_state");
    private static final Pattern WRITER_NAME = Pattern.compile("(to_|write|save|dump|export).*");
    /** DataFrame methods that keep its columns (rows filtered, sorted, copied, values changed). */
    private static final Set<String> SAME_COLUMNS = Set.of("dropna", "fillna", "copy", "head", "tail", "sort_values", "sort_index",
            "drop_duplicates", "sample", "query", "astype", "replace", "round", "drop", "filter", "where", "mask", "abs", "clip",
            "infer_objects", "convert_dtypes", "set_index", "nlargest", "nsmallest", "ffill", "bfill");
    /** Libraries that take a DataFrame without adding columns to it. */
    private static final List<String> LEAVE_TABLES = List.of("pandas.", "numpy.", "matplotlib.", "seaborn.", "builtins.", "scipy.",
            "statsmodels.", "os.", "json.", "pyarrow.", "sklearn.", "lifelines.", "plotly.");
    private static final Set<String> RUN_OTHER_CODE = Set.of("builtins.exec", "builtins.eval", "os.system", "os.popen", "runpy.run_path",
            "runpy.run_module", "importlib.import_module", "builtins.__import__");

    private final Walk walk;

    PythonCalls(Walk walk) {
        this.walk = walk;
    }

    /** The arguments of one call, evaluated in order, with their expressions. */
    private record Args(List<PyValue> values, List<Py.Expr> exprs, Map<String, PyValue> named, Map<String, Py.Expr> namedExprs) {
        PyValue value(int i, String... keywords) {
            for (String k : keywords) if (named.containsKey(k)) return named.get(k);
            return i >= 0 && i < values.size() ? values.get(i) : null;
        }

        Py.Expr expr(int i, String... keywords) {
            for (String k : keywords) if (namedExprs.containsKey(k)) return namedExprs.get(k);
            return i >= 0 && i < exprs.size() ? exprs.get(i) : null;
        }

        boolean isTrue(String keyword) {
            return namedExprs.get(keyword) instanceof Py.Const c && c.kind() == Py.ConstKind.TRUE;
        }
    }

    PyValue call(Py.Call c, Scope scope) {
        PyValue receiver = null;
        String method = null;
        PyValue callee;
        if (c.func() instanceof Py.Attribute a) {
            receiver = walk.eval(a.value(), scope);
            method = a.attr();
            callee = walk.attribute(receiver, method);
        } else {
            callee = walk.eval(c.func(), scope);
        }
        if (callee instanceof PyValue.LocalFunction f && walk.conditional == 0) walk.surelyCalled.add(f.name());
        Args args = args(c, scope);
        String q = callee instanceof PyValue.Module m ? m.name() : null;
        PyValue result = dispatch(c, q, receiver, method, args);
        leaveOrOpenTables(callee, q, receiver, method, args);
        return result;
    }

    private Args args(Py.Call c, Scope scope) {
        List<PyValue> values = new ArrayList<>();
        List<Py.Expr> exprs = new ArrayList<>();
        Map<String, PyValue> named = new HashMap<>();
        Map<String, Py.Expr> namedExprs = new HashMap<>();
        for (Py.Arg a : c.args()) {
            PyValue v = walk.eval(a.value(), scope);
            if (a.kind() == Py.ArgKind.POSITIONAL) {
                values.add(v);
                exprs.add(a.value());
            } else if (a.kind() == Py.ArgKind.KEYWORD && a.keyword() != null) {
                named.put(a.keyword(), v);
                namedExprs.put(a.keyword(), a.value());
            } else {
                Walk.open(v); // *args, **kwargs: where they go is not followed
                values.add(PyValue.UNKNOWN);
                exprs.add(a.value());
            }
        }
        return new Args(values, exprs, named, namedExprs);
    }

    private PyValue dispatch(Py.Call c, String q, PyValue receiver, String method, Args args) {
        String call = callText(c);
        if (q != null) {
            if (TABLE_READERS.contains(q)) return readTable(call, args);
            if (OTHER_READERS.contains(q)) {
                use(FileUse.Access.READ, args.value(0, PATH_KEYWORDS.toArray(String[]::new)), args.expr(0, PATH_KEYWORDS.toArray(String[]::new)), call, c);
                return PyValue.UNKNOWN;
            }
            if (OPENERS.contains(q)) return open(call, args.value(0, "file", "filename"), args.expr(0, "file", "filename"),
                    args.value(1, "mode"), q.startsWith("gzip.") || q.startsWith("bz2.") ? "rb" : "r", c);
            if (RUN_OTHER_CODE.contains(q) || q.startsWith("subprocess.")) {
                walk.unresolvedWrites.add(walk.range(c));
                return PyValue.UNKNOWN;
            }
            PyValue built = builtins(q, args);
            if (built != null) return built;
        }
        if (method != null) return method(c, call, receiver, method, args);
        return PyValue.UNKNOWN;
    }

    /** Functions that build paths and strings, or write with the path in a given place. */
    private PyValue builtins(String q, Args args) {
        switch (q) {
            case "os.path.exists", "os.path.isfile":
                if (!args.values().isEmpty()) guard(args.values().get(0));
                return PyValue.UNKNOWN;
            case "os.path.join":
                return joinAll(args.values(), false);
            case "os.path.dirname":
                return args.values().isEmpty() ? PyValue.UNKNOWN : asPlainText(Walk.parentOf(PyValue.asText(args.values().get(0))));
            case "os.path.abspath", "os.path.normpath", "os.path.realpath", "os.fspath", "builtins.str":
                return args.values().isEmpty() ? PyValue.UNKNOWN : textOf(args.values().get(0));
            case "os.path.basename":
                return args.values().isEmpty() ? PyValue.UNKNOWN : PyValue.asText(args.values().get(0)).map(a -> a.substring(a.lastIndexOf('/') + 1));
            case "os.getcwd", "pathlib.Path.cwd":
                return q.startsWith("os.") ? PyValue.Text.of("") : new PyValue.PathV(PyValue.Text.of(""));
            case "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath":
                return args.values().isEmpty() ? new PyValue.PathV(PyValue.Text.of("")) : joinAll(args.values(), true);
            case "builtins.zip": {
                int g = walk.newGroup();
                List<PyValue> cols = new ArrayList<>();
                for (PyValue v : args.values()) cols.add(walk.each(v, g));
                return new PyValue.Pairs(cols);
            }
            case "builtins.enumerate":
                return args.values().isEmpty() ? PyValue.UNKNOWN : new PyValue.Pairs(List.of(PyValue.UNKNOWN, walk.each(args.values().get(0), walk.newGroup())));
            case "builtins.sorted", "builtins.list", "builtins.tuple":
                return args.values().size() == 1 && args.values().get(0) instanceof PyValue.Seq s ? s : PyValue.UNKNOWN;
            case "json.dump", "pickle.dump", "yaml.dump", "yaml.safe_dump":
                if (!(args.value(1, "fp", "file", "stream") instanceof PyValue.Handle) && args.value(1, "fp", "file", "stream") != null) {
                    walk.unresolvedWrites.add(walk.range(args.expr(1, "fp", "file", "stream")));
                }
                return PyValue.UNKNOWN;
            case "numpy.save", "numpy.savetxt", "numpy.savez", "numpy.savez_compressed":
                use(FileUse.Access.WRITE, args.value(0, "file", "fname"), args.expr(0, "file", "fname"), q.replace("numpy.", "np."), null);
                return PyValue.UNKNOWN;
            case "pyarrow.feather.write_feather", "pyarrow.parquet.write_table", "pyarrow.csv.write_csv":
                use(FileUse.Access.WRITE, args.value(1, "dest", "where", "output_file"), args.expr(1, "dest", "where", "output_file"), q, null);
                return PyValue.UNKNOWN;
            case "pandas.ExcelWriter":
                use(FileUse.Access.WRITE, args.value(0, "path"), args.expr(0, "path"), "pd.ExcelWriter", null);
                return new PyValue.Handle();
            case "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move", "os.rename", "os.replace":
                use(FileUse.Access.READ, args.value(0, "src"), args.expr(0, "src"), q, null);
                use(FileUse.Access.WRITE, args.value(1, "dst"), args.expr(1, "dst"), q, null);
                return PyValue.UNKNOWN;
            default:
                return null;
        }
    }

    private PyValue method(Py.Call c, String call, PyValue receiver, String method, Args args) {
        if (receiver instanceof PyValue.Text t) return textMethod(t, method, args);
        if (receiver instanceof PyValue.PathV p) {
            Py.Expr where = ((Py.Attribute) c.func()).value();
            switch (method) {
                case "joinpath":
                    return new PyValue.PathV(Walk.join(p.text(), PyValue.asText(joinAll(args.values(), false))));
                case "with_suffix":
                    return args.value(0) instanceof PyValue.Text s && s.alternatives().size() == 1
                            ? new PyValue.PathV(p.text().map(a -> withSuffix(a, s.alternatives().get(0)))) : PyValue.UNKNOWN;
                case "resolve", "absolute", "expanduser":
                    return p;
                case "exists", "is_file":
                    guard(p);
                    return PyValue.UNKNOWN;
                case "write_text", "write_bytes":
                    use(FileUse.Access.WRITE, p, where, method, null);
                    return PyValue.UNKNOWN;
                case "read_text", "read_bytes":
                    use(FileUse.Access.READ, p, where, method, null);
                    return PyValue.UNKNOWN;
                case "open":
                    return open(call, p, where, args.value(0, "mode"), "r", c);
                default:
                    return PyValue.UNKNOWN;
            }
        }
        if (receiver instanceof PyValue.DictV d) {
            switch (method) {
                case "items": {
                    int g = walk.newGroup();
                    return new PyValue.Pairs(List.of(walk.each(new PyValue.Seq(d.keys()), g), walk.each(new PyValue.Seq(d.values()), g)));
                }
                case "keys":
                    return new PyValue.Seq(d.keys());
                case "values":
                    return new PyValue.Seq(d.values());
                default:
                    return PyValue.UNKNOWN;
            }
        }
        if (method.equals("savefig") || method.equals("write_image") || method.equals("write_html")) {
            use(FileUse.Access.WRITE, args.value(0, "fname", "file"), args.expr(0, "fname", "file"), method, c);
            return PyValue.UNKNOWN;
        }
        if (TABLE_WRITERS.contains(method)) {
            PyValue path = args.value(0, PATH_KEYWORDS.toArray(String[]::new));
            if (path == null && TO_STRING.contains(method)) return PyValue.UNKNOWN;
            use(FileUse.Access.WRITE, path, args.expr(0, PATH_KEYWORDS.toArray(String[]::new)), "." + method, c);
            return PyValue.UNKNOWN;
        }
        if (receiver instanceof PyValue.Table t) return tableMethod(t, method, args);
        if (receiver instanceof PyValue.Handle || NON_WRITERS.contains(method) || !WRITER_NAME.matcher(method).matches()) return PyValue.UNKNOWN;
        // A writer this reader does not know (a library's own save, say): where it writes is unknown.
        if (!args.values().isEmpty() || !args.named().isEmpty()) {
            PyValue first = args.value(0);
            if (first instanceof PyValue.Text || first instanceof PyValue.PathV) use(FileUse.Access.WRITE, first, args.expr(0), "." + method, c);
            else if (!(first instanceof PyValue.Handle)) walk.unresolvedWrites.add(walk.range(c));
        }
        return PyValue.UNKNOWN;
    }

    private PyValue tableMethod(PyValue.Table t, String method, Args args) {
        if (method.equals("groupby") || method.equals("sort_values")) {
            Py.Expr by = args.expr(0, "by");
            if (by instanceof Py.Str s) walk.column(t, s);
            else if (by instanceof Py.Seq seq) for (Py.Expr x : seq.elements()) if (x instanceof Py.Str s) walk.column(t, s);
            return method.equals("sort_values") && !args.isTrue("inplace") ? t.derived() : PyValue.UNKNOWN;
        }
        if (SAME_COLUMNS.contains(method)) return args.isTrue("inplace") ? PyValue.UNKNOWN : t.derived();
        if (args.isTrue("inplace") || Set.of("insert", "pop", "update", "set_axis", "__setitem__").contains(method)) t.open = true;
        return PyValue.UNKNOWN;
    }

    /** A table passed to the script's own functions (or a library this reader does not know) may get new columns. */
    private static void leaveOrOpenTables(PyValue callee, String q, PyValue receiver, String method, Args args) {
        boolean leaves = receiver != null && !(receiver instanceof PyValue.Module)
                || q != null && LEAVE_TABLES.stream().anyMatch(q::startsWith);
        if (leaves) return;
        args.values().forEach(Walk::open);
        args.named().values().forEach(Walk::open);
    }

    /** A path the script tests for: its reads may be conditional on the file being there. */
    private void guard(PyValue path) {
        if (!(path instanceof PyValue.Text || path instanceof PyValue.PathV)) return;
        for (String alt : PyValue.asText(path).alternatives()) {
            String n = PathText.normalise(alt);
            if (n != null) walk.guarded.add(n);
        }
    }

    private PyValue readTable(String call, Args args) {
        String[] keys = PATH_KEYWORDS.toArray(String[]::new);
        List<FileUse> uses = use(FileUse.Access.READ, args.value(0, keys), args.expr(0, keys), call, null);
        if (uses.isEmpty() || args.named().containsKey("chunksize") || args.isTrue("iterator")) return PyValue.UNKNOWN;
        PyValue.Table t = new PyValue.Table(uses, false);
        for (String k : List.of("usecols", "parse_dates", "columns")) {
            if (args.namedExprs().get(k) instanceof Py.Seq seq) {
                for (Py.Expr x : seq.elements()) if (x instanceof Py.Str s) walk.column(t, s);
            }
        }
        return t;
    }

    private PyValue open(String call, PyValue path, Py.Expr where, PyValue mode, String defaultMode, Py.Node at) {
        String m = mode == null ? defaultMode : mode instanceof PyValue.Text t && t.alternatives().size() == 1 ? t.alternatives().get(0) : null;
        if (m == null) {
            walk.unresolvedWrites.add(walk.range(where != null ? where : at));
            return new PyValue.Handle();
        }
        boolean writes = m.indexOf('w') >= 0 || m.indexOf('a') >= 0 || m.indexOf('x') >= 0;
        if (writes) use(FileUse.Access.WRITE, path, where, call, at);
        if (!writes || m.indexOf('+') >= 0) use(FileUse.Access.READ, path, where, call, at);
        return new PyValue.Handle();
    }

    /**
     * Records the file a call reads or writes: one use per possible path; an unresolved read or write where nothing
     * usable is known; nothing for a path outside the study (a temporary file) or a file object.
     */
    List<FileUse> use(FileUse.Access access, PyValue path, Py.Expr where, String call, Py.Node fallback) {
        List<FileUse> out = new ArrayList<>();
        if (path instanceof PyValue.Handle) return out;
        Py.Node at = where != null ? where : fallback;
        if (at == null) return out;
        var range = walk.range(at);
        if (path instanceof PyValue.Text || path instanceof PyValue.PathV) {
            for (String alt : PyValue.asText(path).alternatives()) {
                String n = PathText.normalise(alt);
                if (n == null) continue;
                if (!PathText.usable(n)) {
                    (access == FileUse.Access.READ ? walk.unresolvedReads : walk.unresolvedWrites).add(range);
                    continue;
                }
                FileUse u = new FileUse(access, n, range, call, walk.conditional > 0);
                out.add(u);
                walk.files.add(u);
            }
            return out;
        }
        (access == FileUse.Access.READ ? walk.unresolvedReads : walk.unresolvedWrites).add(range);
        return out;
    }

    private String callText(Py.Call c) {
        String t = walk.file.text.substring(c.func().start(), Math.min(c.func().end(), walk.file.text.length()));
        return t.length() > 40 ? t.substring(t.length() - 40) : t;
    }

    private static PyValue textOf(PyValue v) {
        return v instanceof PyValue.Text || v instanceof PyValue.PathV ? PyValue.asText(v) : PyValue.UNKNOWN;
    }

    private static PyValue asPlainText(PyValue v) {
        return v instanceof PyValue.PathV p ? p.text() : PyValue.UNKNOWN;
    }

    /** {@code os.path.join(a, b, c)} or {@code Path(a, b)}: unknown parts become holes. */
    private static PyValue joinAll(List<PyValue> parts, boolean asPath) {
        if (parts.isEmpty()) return PyValue.UNKNOWN;
        PyValue.Text out = PyValue.asText(parts.get(0));
        for (int i = 1; i < parts.size(); i++) out = Walk.join(out, PyValue.asText(parts.get(i)));
        return asPath ? new PyValue.PathV(out) : out;
    }

    private static String withSuffix(String path, String suffix) {
        int slash = path.lastIndexOf('/'), dot = path.lastIndexOf('.');
        return (dot > slash + 1 ? path.substring(0, dot) : path) + suffix;
    }

    private static PyValue textMethod(PyValue.Text t, String method, Args args) {
        switch (method) {
            case "format":
                return formatted(t, args.values(), null, false, args.named());
            case "replace":
                if (args.value(0) instanceof PyValue.Text a && args.value(1) instanceof PyValue.Text b && a.alternatives().size() == 1
                        && b.alternatives().size() == 1 && a.exact() && b.exact() && !a.alternatives().get(0).isEmpty()) {
                    return t.map(s -> s.replace(a.alternatives().get(0), b.alternatives().get(0)));
                }
                return PyValue.UNKNOWN;
            case "lower", "upper", "strip":
                return t.map(s -> method.equals("lower") ? s.toLowerCase(java.util.Locale.ROOT)
                        : method.equals("upper") ? s.toUpperCase(java.util.Locale.ROOT) : s.strip());
            case "join":
                if (t.alternatives().size() == 1 && args.value(0) instanceof PyValue.Seq s) {
                    PyValue.Text out = null;
                    for (PyValue e : s.elements()) out = out == null ? PyValue.asText(e) : out.concat(t).concat(PyValue.asText(e));
                    return out == null ? PyValue.Text.of("") : out;
                }
                return PyValue.UNKNOWN;
            default:
                return PyValue.UNKNOWN;
        }
    }

    static PyValue formatted(PyValue.Text fmt, List<PyValue> positional, PyValue.DictV dict, boolean percent) {
        return formatted(fmt, positional, dict, percent, Map.of());
    }

    /**
     * {@code fmt % args} or {@code fmt.format(...)}. With several possible values, only one loop's worth is followed
     * (element by element); more than that is a hole.
     */
    static PyValue formatted(PyValue.Text fmt, List<PyValue> positional, PyValue.DictV dict, boolean percent, Map<String, PyValue> named) {
        List<PyValue.Text> pos = new ArrayList<>();
        for (PyValue v : positional) pos.add(PyValue.asText(v));
        Map<String, PyValue.Text> names = new HashMap<>();
        if (dict != null) {
            for (int i = 0; i < dict.keys().size(); i++) {
                if (dict.keys().get(i) instanceof PyValue.Text k && k.alternatives().size() == 1) names.put(k.alternatives().get(0), PyValue.asText(dict.values().get(i)));
            }
        }
        named.forEach((k, v) -> names.put(k, PyValue.asText(v)));
        List<PyValue.Text> all = new ArrayList<>(pos);
        all.addAll(names.values());
        all.add(fmt);
        int size = 1, group = 0;
        for (PyValue.Text t : all) {
            int n = t.alternatives().size();
            if (n == 1) continue;
            if (size == 1) {
                size = n;
                group = t.group();
            } else if (n != size || group == 0 || t.group() != group) {
                return PyValue.Text.hole();
            }
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < size; k++) {
            List<String> p = new ArrayList<>();
            for (PyValue.Text t : pos) p.add(pick(t, k));
            Map<String, String> m = new HashMap<>();
            for (Map.Entry<String, PyValue.Text> e : names.entrySet()) m.put(e.getKey(), pick(e.getValue(), k));
            String f = pick(fmt, k);
            String r = percent ? PathText.percent(f, p, m) : PathText.format(f, p, m);
            if (r == null) return PyValue.Text.hole();
            out.add(PyValue.joinHoles(r));
        }
        return new PyValue.Text(out, size > 1 ? group : 0);
    }

    private static String pick(PyValue.Text t, int k) {
        return t.alternatives().size() == 1 ? t.alternatives().get(0) : t.alternatives().get(k);
    }
}
