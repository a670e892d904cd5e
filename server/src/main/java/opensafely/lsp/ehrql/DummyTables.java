package opensafely.lsp.ehrql;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.dummydata.TableReader;
import opensafely.lsp.ehrql.DummyQuery.*;
import opensafely.lsp.workspace.Document;

/**
 * {@code --dummy-tables DIR}: a dataset definition evaluated over the user's own tables, one file per table as
 * ehrQL's create-dummy-tables writes them ({@code patients.csv}, {@code clinical_events.csv}..., a patient_id
 * column and any of the table's columns; one format per folder: .csv, .csv.gz or .arrow). The patients are those
 * in any table read that satisfy the population condition, in patient_id order, as ehrQL's in-memory engine
 * gives them. The files are not sorted, so every row is grouped by patient in memory: up to {@link #MAX_ROWS}.
 * Where the compiler cannot evaluate the population or a column exactly, nothing is written and the problem
 * names it: the user asked for their tables, so no value is ever invented.
 */
final class DummyTables {
    /** Rows of all tables together kept in memory to group them by patient (a few hundred MB at most). */
    static final long MAX_ROWS = 2_000_000;

    private static final List<String> FORMATS = List.of(".csv.gz", ".csv", ".arrow");

    private DummyTables() {
    }

    static DummyOutcome evaluate(Document doc, Path dir, String shown, Path out, BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        String outName = out.getFileName().toString();
        OutputFormat format = OutputFormat.of(outName, OutputFormat.Language.EHRQL).orElse(null);
        if (format == null) return DummyOutcome.failed("--output " + OutputFormat.unsupported(outName, OutputFormat.Language.EHRQL));
        DummyDatasetSpec.Compiled c = DummyDatasetSpec.compile(doc);
        if (c.problem() != null) return DummyOutcome.failed("no dataset from " + shown + ": " + c.problem());
        if (c.population() == null) return DummyOutcome.failed("the population condition cannot be evaluated by this tool; use ehrQL itself with --dummy-tables");

        // What cannot be evaluated exactly is refused, naming it.
        List<String> problems = new ArrayList<>();
        if (!exact(c.population())) {
            problems.add("the population condition " + DummyDatasetSpec.describe(c.file(), c.compiler(), c.population())
                    + " cannot be evaluated by this tool over dummy tables; use ehrQL itself");
        }
        for (Map.Entry<String, DummyQuery> e : c.columns().entrySet()) {
            if (!exact(e.getValue())) {
                String from = c.compiler().sources.containsKey(e.getValue()) ? " " + DummyDatasetSpec.describe(c.file(), c.compiler(), e.getValue()) : "";
                problems.add("column '" + e.getKey() + "'" + from + " cannot be evaluated by this tool over dummy tables; use ehrQL itself");
            }
        }
        if (!problems.isEmpty()) return DummyOutcome.failed(problems);

        // The tables it reads, and the columns it reads of each.
        Map<String, Schema.Table> tables = new LinkedHashMap<>();
        Map<String, Set<String>> used = new LinkedHashMap<>();
        List<DummyQuery> roots = new ArrayList<>(c.columns().values());
        roots.add(0, c.population());
        for (DummyQuery q : roots) {
            walk(q, x -> {
                if (x instanceof Frame f) tables.putIfAbsent(f.table().name(), f.table());
                if (x instanceof RowCol rc) used.computeIfAbsent(rc.frame().table().name(), k -> new LinkedHashSet<>()).add(rc.column());
                if (x instanceof PatientCol || x instanceof AgeOn) used.computeIfAbsent("patients", k -> new LinkedHashSet<>());
            }, 0);
        }
        if (used.containsKey("patients") && !tables.containsKey("patients")) {
            // patients.sex, patients.age_on(...) compile to the patient's own record, not a frame: read its table all the same.
            Map<String, Schema.Table> core = Schema.get().modules.get("ehrql.tables.core");
            tables.put("patients", core == null ? null : core.get("patients"));
        }
        tables.values().removeIf(t -> t == null);

        if (doc.folder().leavesFolder(dir)) return DummyOutcome.failed("--dummy-tables " + shown + ": it leads out of the study folder; only files of the study are read");
        if (!Files.isDirectory(dir)) return DummyOutcome.failed("--dummy-tables " + shown + ": no such folder");
        String ext;
        try {
            ext = extension(dir, shown);
        } catch (IllegalArgumentException e) {
            return DummyOutcome.failed(e.getMessage());
        }

        // Every row, grouped by patient.
        TreeMap<Long, DummyWorld.Rec> patients = new TreeMap<>();
        long[] total = {0};
        for (Schema.Table t : tables.values()) {
            String file = t.name() + ext;
            problems.addAll(load(doc, dir.resolve(file), shown.replaceAll("/+$", "") + "/" + file, t, patients, total));
            if (!problems.isEmpty()) return DummyOutcome.failed(problems);
        }

        DummyWorld world = new DummyWorld(LocalDate.now(), patients.size());
        List<ColumnSpec> specs = new ArrayList<>();
        specs.add(new ColumnSpec("patient_id", ColumnType.INTEGER, p -> null).withNullable(false));
        List<String> names = new ArrayList<>(c.columns().keySet());
        ColumnType[] types = new ColumnType[names.size()];
        for (int i = 0; i < names.size(); i++) {
            types[i] = DummyDatasetSpec.columnType(DummyFileValues.primitive(c.types().get(names.get(i))));
            specs.add(new ColumnSpec(names.get(i), types[i], p -> null));
        }
        Iterator<Map.Entry<Long, DummyWorld.Rec>> it = patients.entrySet().iterator();
        Object[] row = new Object[specs.size()];
        String[] failure = {null};
        long rows = TableFile.write(out, specs, () -> {
            while (it.hasNext()) {
                Map.Entry<Long, DummyWorld.Rec> p = it.next();
                DummyWorld.Rec rec = p.getValue();
                if (!Boolean.TRUE.equals(world.truth(c.population(), rec, null))) continue;
                row[0] = p.getKey();
                for (int i = 0; i < names.size(); i++) {
                    try {
                        row[i + 1] = DummyDatasetSpec.convert(world.eval(c.columns().get(names.get(i)), rec, null), types[i]);
                    } catch (RuntimeException | StackOverflowError e) {
                        failure[0] = "column '" + names.get(i) + "' could not be evaluated for patient " + p.getKey() + "; use ehrQL itself";
                        throw new IOException(failure[0]);
                    }
                }
                return row;
            }
            return null;
        }, format, OutputFormat.Language.EHRQL, cancelled, progress);
        return DummyOutcome.wrote(out, rows, List.of());
    }

    /** Whether a query is evaluated exactly: every part compiled, no parameter or value the model does not know. */
    static boolean exact(DummyQuery q) {
        if (q == null || !DummyWorld.decidable(q)) return false;
        boolean[] ok = {true};
        walk(q, x -> {
            if (x instanceof Param || x instanceof Opaque) ok[0] = false;
            if (x instanceof IsIn in && !(in.set() instanceof ValueSet)) ok[0] = false;
        }, 0);
        return ok[0];
    }

    /** Visits a query and every query inside it (the records' components), to a bounded depth. */
    private static void walk(Object o, Consumer<DummyQuery> visit, int depth) {
        if (depth > 200) return;
        if (o instanceof DummyQuery q) {
            visit.accept(q);
            for (RecordComponent rc : q.getClass().getRecordComponents()) {
                try {
                    walk(rc.getAccessor().invoke(q), visit, depth + 1);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        } else if (o instanceof List<?> l) {
            for (Object x : l) walk(x, visit, depth + 1);
        }
    }

    /** The one data format of the folder, as ehrQL finds it. */
    private static String extension(Path dir, String shown) throws IOException {
        Set<String> found = new LinkedHashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.limit(10_000).forEach(p -> {
                String n = p.getFileName().toString();
                for (String f : FORMATS) {
                    if (n.endsWith(f)) {
                        found.add(f);
                        break;
                    }
                }
            });
        }
        if (found.isEmpty()) throw new IllegalArgumentException("--dummy-tables " + shown + ": no .csv, .csv.gz or .arrow files in it");
        if (found.size() > 1) throw new IllegalArgumentException("--dummy-tables " + shown + ": it holds tables in more than one format (" + String.join(", ", found) + "); keep one");
        return found.iterator().next();
    }

    /** Reads one table's rows into its patients' records; the problems found (each naming the file and column). */
    private static List<String> load(Document doc, Path file, String shown, Schema.Table t, TreeMap<Long, DummyWorld.Rec> patients, long[] total) {
        List<String> problems = new ArrayList<>();
        try (TableReader in = TableReader.open(doc.folder(), file, shown)) {
            List<String> header = in.header();
            int idAt = header.indexOf("patient_id");
            if (idAt < 0) return List.of(shown + ": column 'patient_id' is missing");
            // The table's columns the file has, with their types; others are NULL (ehrQL allows missing columns).
            List<String> names = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (Map.Entry<String, String> col : t.columns().entrySet()) {
                int i = header.indexOf(col.getKey());
                if (i < 0) continue;
                String type = DummyFileValues.primitive(col.getValue());
                String arrowType = in.typeOf(i);
                if (arrowType != null && !DummyFileValues.arrowTypeFits(arrowType, type)) {
                    problems.add(shown + ": column '" + col.getKey() + "' holds " + arrowType + " values, but the table's column is " + type);
                }
                names.add(col.getKey());
                at.add(i);
                types.add(type);
            }
            if (arrowTypeIdBad(in.typeOf(idAt))) problems.add(shown + ": column 'patient_id' holds " + in.typeOf(idAt) + " values, but it is int");
            if (!problems.isEmpty()) return problems;
            String[] keys = names.toArray(new String[0]);
            boolean patientsTable = t.name().equals("patients");
            long n = 0;
            for (Object[] raw = in.next(); raw != null; raw = in.next()) {
                n++;
                if (++total[0] > MAX_ROWS) {
                    return List.of(String.format(java.util.Locale.ROOT, "the dummy tables hold more than %,d rows: this tool keeps them in memory to group them by patient; use fewer rows or ehrQL itself", MAX_ROWS));
                }
                if (raw.length != header.size()) return List.of(shown + ": row " + n + " has " + raw.length + " fields, but the header has " + header.size());
                Object id;
                try {
                    id = raw[idAt] instanceof String s ? DummyFileValues.parseCsv(s, "int") : raw[idAt];
                } catch (IllegalArgumentException e) {
                    return List.of(shown + ": column 'patient_id', row " + n + ": " + e.getMessage());
                }
                if (!(id instanceof Long pid)) return List.of(shown + ": column 'patient_id', row " + n + ": it is empty, and this column is never missing");
                Object[] values = new Object[keys.length];
                for (int i = 0; i < keys.length; i++) {
                    Object v = raw[at.get(i)];
                    try {
                        v = v instanceof String s ? DummyFileValues.parseCsv(s, types.get(i)) : v;
                        if (types.get(i) != null) DummyFileValues.checkCategory(v, t.categories().get(keys[i]));
                    } catch (IllegalArgumentException e) {
                        return List.of(shown + ": column '" + keys[i] + "', row " + n + ": " + e.getMessage());
                    }
                    values[i] = v;
                }
                DummyWorld.Rec rec = patients.computeIfAbsent(pid, k -> new DummyWorld.Rec(new SplittableRandom(k)));
                Row row = new Row(keys, values);
                if (patientsTable && rec.table(t).isEmpty()) {
                    rec.dob = DummyValues.date(row.get("date_of_birth"));
                    rec.sex = row.get("sex") instanceof String s ? s : null;
                    rec.death = DummyValues.date(row.get("date_of_death"));
                }
                rec.table(t).add(row);
            }
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return List.of(m.startsWith(shown) ? m : shown + ": " + m);
        }
        return problems;
    }

    private static boolean arrowTypeIdBad(String arrowType) {
        return arrowType != null && !arrowType.equals("int");
    }

    /** One row of a table: the column names are shared by every row of the table, so a row costs its values only. */
    private static final class Row extends AbstractMap<String, Object> {
        private final String[] keys;
        private final Object[] values;

        Row(String[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public Object get(Object key) {
            for (int i = 0; i < keys.length; i++) if (keys[i].equals(key)) return values[i];
            return null;
        }

        @Override
        public boolean containsKey(Object key) {
            for (String k : keys) if (k.equals(key)) return true;
            return false;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> out = new LinkedHashSet<>();
            for (int i = 0; i < keys.length; i++) out.add(new SimpleImmutableEntry<>(keys[i], values[i]));
            return out;
        }
    }
}
