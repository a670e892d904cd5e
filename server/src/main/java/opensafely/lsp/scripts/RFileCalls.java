package opensafely.lsp.scripts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.scripts.FileUse.Access;

/** The R functions that read or write a file, and which argument names it. */
final class RFileCalls {
    /**
     * @param position the zero-based position of the path among the positional arguments, or -1 when it can only be
     *     named (as {@code cat(..., file = )})
     * @param names the names the path argument may be given
     * @param table whether what it reads is a data frame whose columns can be followed
     */
    record FileCall(Access access, int position, List<String> names, boolean table) {}

    private static final Map<String, FileCall> CALLS = new HashMap<>();

    private static void read(int position, boolean table, List<String> names, String... functions) {
        for (String f : functions) CALLS.put(f, new FileCall(Access.READ, position, names, table));
    }

    private static void write(int position, List<String> names, String... functions) {
        for (String f : functions) CALLS.put(f, new FileCall(Access.WRITE, position, names, false));
    }

    static {
        List<String> file = List.of("file");
        read(0, true, file, "read.csv", "read.csv2", "read.table", "read.delim", "read_csv", "read_csv2", "read_tsv",
                "read_delim", "read_table", "read_csv_arrow", "read_tsv_arrow", "read_delim_arrow", "read_feather",
                "read_ipc_file", "read_parquet", "read_dta", "read_sas", "read_sav", "vroom");
        read(0, true, List.of("input", "file"), "fread");
        read(0, true, List.of("path"), "read_excel", "read_xlsx", "read_xls", "read.xlsx");
        read(0, false, file, "readRDS", "read_rds", "read_lines", "load", "source", "sys.source");
        read(0, false, List.of("con"), "readLines");
        read(0, false, List.of("path", "txt"), "read_json");
        write(1, List.of("file", "path"), "write.csv", "write.csv2", "write.table", "write_csv", "write_csv2",
                "write_tsv", "write_delim", "write_lines", "write_rds", "saveRDS", "fwrite", "write.xlsx");
        write(1, List.of("sink"), "write_csv_arrow", "write_feather", "write_ipc_file", "write_parquet");
        write(1, List.of("path"), "write_dta", "write_sav", "write_json", "write_xlsx");
        write(1, List.of("con"), "writeLines");
        write(1, List.of("filename"), "gtsave");
        write(1, List.of("file"), "saveWidget", "saveWorkbook");
        write(0, List.of("file"), "sink");
        write(0, List.of("filename"), "ggsave");
        write(0, List.of("filename", "file"), "png", "jpeg", "tiff", "bmp", "svg", "pdf", "cairo_pdf", "svglite");
        write(-1, file, "cat", "save");
        write(-1, List.of("path"), "save_as_docx", "save_as_html", "save_as_image", "save_kable");
    }

    private RFileCalls() {}

    /** The file call of a function name as written ({@code readr::read_csv} and {@code read_csv} alike). */
    static FileCall of(String name) {
        int i = name.lastIndexOf(':');
        return CALLS.get(i < 0 ? name : name.substring(i + 1));
    }

    /** Whether an unknown function's name says it writes something, so its writes cannot be ruled out. */
    static boolean soundsLikeWrite(String name) {
        int i = name.lastIndexOf(':');
        String bare = (i < 0 ? name : name.substring(i + 1)).toLowerCase(java.util.Locale.ROOT);
        return bare.startsWith("write") || bare.startsWith("save") || bare.startsWith("export")
                || bare.contains("_save") || bare.contains("_write") || bare.contains("_export") || bare.equals("file.copy")
                || bare.equals("file.rename") || bare.equals("download.file") || bare.equals("dev.copy")
                || bare.equals("dev.print") || bare.equals("file.create") || bare.equals("zip") || bare.equals("file");
    }
}
