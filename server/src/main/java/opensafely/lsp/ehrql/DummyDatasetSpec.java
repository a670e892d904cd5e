package opensafely.lsp.ehrql;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.Patient;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.ehrql.DummyQuery.*;
import opensafely.lsp.ehrql.EValue.Binding;
import opensafely.lsp.ehrql.EValue.Codelist;
import opensafely.lsp.ehrql.EValue.Dataset;
import opensafely.lsp.ehrql.EValue.Series;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.Document;

/**
 * The dummy-data table of an ehrQL dataset definition, read from the static model (never by running it):
 * {@code patient_id} then the dataset's columns in definition order, typed as ehrQL writes them, exactly
 * population_size rows (configure_dummy_data's, ehrQL's default 10, or the caller's override). Each patient is
 * constructed to satisfy the population condition ({@link DummyConstructor}) and every column is computed from
 * that patient's rows ({@link DummyWorld}); what the model cannot follow gets ehrQL's candidate values.
 */
public final class DummyDatasetSpec {
    /** ehrQL's default population_size. */
    public static final int DEFAULT_POPULATION = 10;

    /** The table to generate, or why there is none (a sentence naming the part of the definition). */
    public record Result(TableSpec spec, String problem) {
        public boolean ok() {
            return spec != null;
        }
    }

    private DummyDatasetSpec() {
    }

    /**
     * @param population the number of patients, or null for the definition's own population_size
     * @param today      ehrQL's "today": the latest date of an event or a death
     */
    public static Result build(Document doc, Integer population, long seed, LocalDate today) {
        Compiled c = compile(doc);
        if (c.problem() != null) return new Result(null, c.problem());
        SourceFile file = c.file();
        DummyCompiler compiler = c.compiler();
        DummyQuery pop = c.population();
        Map<String, DummyQuery> columns = c.columns();
        Map<String, String> types = c.types();
        long size = population != null ? population : c.populationSize() != null ? c.populationSize() : DEFAULT_POPULATION;
        Map<Frame, Boolean> frames = new LinkedHashMap<>();
        DummyWorld.frames(pop, frames, 0);
        for (DummyQuery q : columns.values()) DummyWorld.frames(q, frames, 0);
        DummyWorld world = new DummyWorld(today, size);
        DummyConstructor cons = new DummyConstructor(world, pop, new ArrayList<>(frames.keySet()), compiler.literals, q -> describe(file, compiler, q));
        if (cons.problem() != null) return new Result(null, "the population cannot be satisfied: " + cons.problem() + ".");

        List<ColumnSpec> specs = new ArrayList<>();
        specs.add(new ColumnSpec("patient_id", ColumnType.INTEGER, p -> p.index() + 1));
        for (Map.Entry<String, DummyQuery> e : columns.entrySet()) {
            ColumnType t = columnType(types.get(e.getKey()));
            DummyQuery q = e.getValue();
            specs.add(new ColumnSpec(e.getKey(), t, p -> value(world, q, record(p, cons), t)));
        }
        return new Result(new TableSpec(specs, size, seed), null);
    }

    /**
     * A definition compiled for dummy data: the population condition, each output column's query (an
     * {@link Opaque} where the compiler could not follow it), its model type and categories; or why there is none.
     */
    record Compiled(SourceFile file, DummyCompiler compiler, DummyQuery population, Map<String, DummyQuery> columns,
                    Map<String, String> types, Map<String, List<String>> categories, Long populationSize, String problem) {
        static Compiled failed(String problem) {
            return new Compiled(null, null, null, null, null, null, null, problem);
        }
    }

    static Compiled compile(Document doc) {
        DatasetAnalyzer analyzer = new DatasetAnalyzer();
        // The values of nodes inside helper calls too (in this file or a sibling module), so the statements of a
        // helper that builds the dataset compile as if they were written at module level.
        Map<Py.Node, EValue> inHelpers = new java.util.IdentityHashMap<>();
        DatasetAnalyzer.Analysis a = analyzer.compute(doc.path(), doc.text(), doc.folder(), inHelpers);
        Map<Py.Node, EValue> nodeTypes = new java.util.IdentityHashMap<>(a.types());
        nodeTypes.putAll(inHelpers);
        SourceFile file = a.file();
        if (!file.syntaxErrors.isEmpty()) return Compiled.failed("it has a syntax error; run `check` for details");
        Dataset dataset = null;
        for (Map.Entry<String, Binding> e : a.globals().entrySet()) {
            if (e.getValue().value() instanceof Dataset d && (dataset == null || e.getKey().equals("dataset"))) dataset = d;
        }
        if (dataset == null) return Compiled.failed("it makes no dataset (no `dataset = create_dataset()` at module level)");
        if (dataset.populations == 0 && !dataset.populationMaybe) return Compiled.failed("it defines no population: call dataset.define_population(...)");
        CodelistCsvFiles csvs = analyzer.csvs();
        DummyCompiler compiler = new DummyCompiler(nodeTypes, c -> codes(doc, csvs, c), c -> categories(doc, csvs, c));
        DummyStatements s = new DummyStatements(nodeTypes, compiler, file);
        s.run(file.module.body());

        DummyQuery pop = s.population;
        if (pop != null && s.constraint != null) pop = new And(pop, s.constraint);

        // The output columns: those the model compiled, else a fallback by the column's type.
        Map<String, DummyQuery> columns = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, List<String>> categories = new LinkedHashMap<>();
        int opaque = 1_000_000;
        for (EValue.Column c : dataset.columns.values()) {
            String type = c.value() instanceof Series se ? se.type() : null;
            DummyQuery q = s.columns().get(c.name());
            // A series the compiler saw only as an unknown value (built in a helper, read from a dict...): ehrQL's candidates for its type.
            if (q == null || q instanceof Param) q = new Opaque(type, c.value() instanceof Series se ? se.categories() : null, opaque++);
            columns.put(c.name(), q);
            types.put(c.name(), type);
            categories.put(c.name(), c.value() instanceof Series se ? se.categories() : null);
        }
        return new Compiled(file, compiler, pop, columns, types, categories, s.populationSize, null);
    }

    /**
     * The columns a dummy data file for this definition must have, as ehrQL's column specs say: patient_id (never
     * missing), then each variable with its primitive type (null where the model does not know it) and categories.
     */
    public static DummyDataFileCheck.Columns fileColumns(Document doc) {
        Compiled c = compile(doc);
        if (c.problem() != null) return new DummyDataFileCheck.Columns(null, c.problem());
        List<DummyDataFileCheck.Expected> out = new ArrayList<>();
        out.add(new DummyDataFileCheck.Expected("patient_id", "int", null, false));
        for (String name : c.columns().keySet()) {
            String type = DummyFileValues.primitive(c.types().get(name));
            out.add(new DummyDataFileCheck.Expected(name, type, c.categories().get(name), true));
        }
        return new DummyDataFileCheck.Columns(out, null);
    }

    private static DummyWorld.Rec record(Patient p, DummyConstructor cons) {
        return p.shared("ehrql.patient", q -> {
            try {
                return cons.construct(q.random());
            } catch (RuntimeException | StackOverflowError e) {
                return new DummyWorld.Rec(q.random()); // a patient the model could not build: its columns are missing
            }
        });
    }

    /** One column's value for one patient; missing where the evaluation meets something it did not foresee. */
    private static Object value(DummyWorld world, DummyQuery q, DummyWorld.Rec rec, ColumnType t) {
        try {
            return convert(world.eval(q, rec, null), t);
        } catch (RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    static ColumnType columnType(String t) {
        if (t == null) return ColumnType.STRING;
        return switch (t) {
            case "bool" -> ColumnType.BOOLEAN;
            case "int" -> ColumnType.INTEGER;
            case "float" -> ColumnType.FLOAT;
            case "date" -> ColumnType.DATE;
            default -> ColumnType.STRING; // str and codes
        };
    }

    static Object convert(Object v, ColumnType t) {
        if (v == null) return null;
        return switch (t) {
            case BOOLEAN -> v instanceof Boolean ? v : null;
            case INTEGER -> v instanceof Number n ? (Object) n.longValue() : null;
            case FLOAT -> v instanceof Number n ? (Object) n.doubleValue() : null;
            case DATE -> DummyValues.date(v);
            case STRING -> v instanceof String ? v : String.valueOf(v);
        };
    }

    private static Set<String> codes(Document doc, CodelistCsvFiles csvs, Codelist c) {
        if (c.path() == null) return null;
        return doc.folder().resolve(c.path()).flatMap(p -> csvs.read(doc.folder(), p)).map(csv -> {
            List<String> col = c.column() == null ? null : csv.column(c.column());
            if (col == null) return (Set<String>) null;
            Set<String> out = new LinkedHashSet<>();
            for (String code : col) if (code != null && !code.isBlank()) out.add(code.strip());
            return out;
        }).orElse(null);
    }

    /** A codelist's code → category map (codelist_from_csv(..., category_column=...)), or null. */
    private static Map<String, String> categories(Document doc, CodelistCsvFiles csvs, Codelist c) {
        if (c.path() == null || c.column() == null || c.category() == null) return null;
        return doc.folder().resolve(c.path()).flatMap(p -> csvs.read(doc.folder(), p)).map(csv -> {
            List<String> codes = csv.column(c.column()), cats = csv.column(c.category());
            if (codes == null || cats == null || codes.size() != cats.size()) return (Map<String, String>) null;
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < codes.size(); i++) if (codes.get(i) != null) out.putIfAbsent(codes.get(i).strip(), cats.get(i));
            return out;
        }).orElse(null);
    }

    /** "`age >= 90` (dataset_definition.py line 12, columns 5–13)": the part of the definition a query came from. */
    static String describe(SourceFile file, DummyCompiler compiler, DummyQuery q) {
        Py.Node n = compiler.sources.get(q);
        if (n == null) return "a part of the population condition";
        file = compiler.files.getOrDefault(q, file); // a part written in a helper of a sibling module
        String text = file.text.substring(n.start(), n.end()).replaceAll("\\s+", " ");
        if (text.length() > 80) text = text.substring(0, 77) + "...";
        var from = file.lines.position(n.start());
        var to = file.lines.position(n.end());
        return "`" + text + "` (" + file.name() + " " + (from.line() + 1) + ":" + (from.character() + 1) + "-" + (to.line() + 1) + ":" + (to.character() + 1) + ")";
    }
}
