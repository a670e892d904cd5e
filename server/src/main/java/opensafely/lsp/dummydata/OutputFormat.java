package opensafely.lsp.dummydata;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * The file formats dummy data is written in, chosen by the output's name in this one place. ehrQL writes
 * {@code .csv}, {@code .csv.gz} and {@code .arrow}; cohort-extractor {@code .csv}, {@code .csv.gz} and
 * {@code .feather} (Feather v2 is an Arrow IPC file). Gzip at each tool's level ({@link Language#gzipLevel}).
 */
public enum OutputFormat {
    CSV(".csv"), CSV_GZ(".csv.gz"), ARROW(".arrow"), FEATHER(".feather");

    /** The languages, each with the formats its tool writes. */
    public enum Language {
        /** ehrQL's csv.py: gzip.open(..., compresslevel=6). */
        EHRQL(List.of(CSV, CSV_GZ, ARROW), 6),
        /** pandas' to_csv passes no level, so Python's gzip.GzipFile default, 9, applies. */
        COHORT_EXTRACTOR(List.of(CSV, CSV_GZ, FEATHER), 9);

        private final List<OutputFormat> formats;
        private final int gzipLevel;

        Language(List<OutputFormat> formats, int gzipLevel) {
            this.formats = formats;
            this.gzipLevel = gzipLevel;
        }

        public int gzipLevel() {
            return gzipLevel;
        }

        public List<OutputFormat> formats() {
            return formats;
        }

        /** "name a file ending in .csv, .csv.gz or .arrow" */
        public String supportedText() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < formats.size(); i++) {
                if (i > 0) b.append(i == formats.size() - 1 ? " or " : ", ");
                b.append(formats.get(i).suffix);
            }
            return b.toString();
        }
    }

    private final String suffix;

    OutputFormat(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    /** The format of a file name for a language, if that language's tool writes it (suffixes in lower case, as the tools name them). */
    public static Optional<OutputFormat> of(String fileName, Language language) {
        for (OutputFormat f : language.formats) {
            if (fileName.endsWith(f.suffix) && fileName.length() > f.suffix.length()) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** Why a name is refused: "x.parquet: dummy data for ... is written as .csv, .csv.gz or .feather; name a file ending so". */
    public static String unsupported(String fileName, Language language) {
        return fileName + ": dummy data is written as " + language.supportedText() + " (chosen by the file name's ending)";
    }

    /** A writer of this format onto {@code out}, which it closes. */
    public TableWriter writer(OutputStream out, Language language) throws IOException {
        return switch (this) {
            case CSV -> new CsvTableWriter(out, dialect(language));
            case CSV_GZ -> new CsvTableWriter(new LevelledGzip(out, language.gzipLevel()), dialect(language));
            case ARROW -> new ArrowTableWriter(out, ArrowTableWriter.Style.EHRQL);
            case FEATHER -> new ArrowTableWriter(out, ArrowTableWriter.Style.PANDAS);
        };
    }

    private static CsvDialect dialect(Language language) {
        return language == Language.EHRQL ? CsvDialect.EHRQL : CsvDialect.COHORT_EXTRACTOR;
    }

    /** GZIPOutputStream at a chosen level (its constructor has none). */
    static final class LevelledGzip extends GZIPOutputStream {
        LevelledGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }
}
