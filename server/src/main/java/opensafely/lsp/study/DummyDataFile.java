package opensafely.lsp.study;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.OutputFile;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlScalar;

/**
 * Where and how dummy data is written, the same for the command line and the editor: the file
 * generate_cohort would write, the population project.yaml asks for, CSV as pandas writes it.
 */
public final class DummyDataFile {
    public static final int DEFAULT_POPULATION = 1000;
    /** The seed when none is given, on the command line and in the editor: fixed, so a rerun makes the same file. */
    public static final long DEFAULT_SEED = 1;

    private DummyDataFile() {
    }

    /** output/input.csv, or output/input_x.csv for study_definition_x.py, in the study folder. */
    public static Path defaultOutput(Path definition, StudyFolder folder) {
        String stem = definition.getFileName().toString().replaceFirst("\\.py$", "");
        String suffix = stem.startsWith("study_definition") ? stem.substring("study_definition".length()) : "_" + stem;
        Path base = folder.root().orElse(definition.toAbsolutePath().getParent());
        return base.resolve("output").resolve("input" + suffix + ".csv");
    }

    /** project.yaml's expectations.population_size, else 1000 (what OpenSAFELY passes to generate_cohort). */
    public static int populationSize(StudyFolder folder) {
        Optional<Path> yaml = folder.resolve("project.yaml");
        if (yaml.isEmpty()) return DEFAULT_POPULATION;
        try {
            var project = new ProjectParser().parse(folder.readString(yaml.get()).orElseThrow(() -> new IOException("project.yaml unreadable")));
            if (project.root() != null && project.root().get("expectations").orElse(null) instanceof YamlMapping ex
                    && ex.get("population_size").orElse(null) instanceof YamlScalar s && s.value().matches("\\d{1,9}")) {
                return Math.max(1, Integer.parseInt(s.value()));
            }
        } catch (IOException | RuntimeException e) {
            // no usable project.yaml: the default applies
        }
        return DEFAULT_POPULATION;
    }

    /**
     * Streams the table to {@code target} in {@code format}, atomically (a cancel or failure leaves the old file
     * or none); makes the folder if needed; never replaces a link or a special file.
     */
    public static void write(Path target, TableSpec table, OutputFormat format, OutputFormat.Language language,
                             BooleanSupplier cancelled, LongConsumer progress) throws IOException {
        OutputFile.checkReplaceable(target);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        TableFile.write(target, table, format, language, cancelled, progress);
    }

    /** Writes an in-memory table atomically, gzipped when the name ends in .gz; makes the folder if needed. */
    public static void write(Path target, DummyData.Outcome table) throws IOException {
        OutputFile.checkReplaceable(target);
        byte[] csv = csv(table.columns(), table.rows());
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicWrite.write(target, target.getFileName().toString().endsWith(".gz") ? gzip(csv) : csv);
    }

    /** CSV with minimal quoting, as pandas writes it. */
    public static byte[] csv(List<String> columns, List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        line(b, columns);
        for (List<String> row : rows) line(b, row);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder b, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) b.append(',');
            String f = fields.get(i);
            if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                b.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                b.append(f);
            }
        }
        b.append('\n');
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
