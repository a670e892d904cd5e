package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The rows of one table of a SQLite database file, read for one purpose: opensafely run's job history in
 * {@code metadata/db.sqlite}. It follows the documented file format (sqlite.org/fileformat2.html: the 100-byte
 * header, the schema table on page 1, table b-trees, records, overflow chains) rather than using the sqlite-jdbc
 * driver, which would add 12 MB to the jar and unpack a native library at run time; and a SQLite connection, even
 * a read-only one, may create a {@code -shm} file or take locks beside the user's database. This only reads the
 * main file through {@link StudyFolder} (no link out of the study), never writes, never locks. A job-runner that
 * was killed may leave its newest jobs in {@code db.sqlite-wal}; those are not seen (the run is then as if they
 * had not happened, which selection survives: the action runs again).
 *
 * <p>Bounded: the file size, the payload of a row and the row count are capped, every page is visited at most
 * once (a cycle or a shared page is corruption). Anything unexpected makes {@link #readTable} false: "no usable
 * history", never an exception.
 */
final class SqliteReader {
    static final long MAX_FILE_BYTES = 64L << 20;
    static final int MAX_PAYLOAD_BYTES = 4 << 20;
    static final int MAX_ROWS = 200_000;
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int LEAF_TABLE = 0x0D;
    private static final int INTERIOR_TABLE = 0x05;
    private static final Set<String> TABLE_CONSTRAINTS = Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN");

    /** Receives each row: the column names in declaration order, and its values (null, Long, Double, String or byte[]), padded to the columns. */
    interface RowSink {
        void row(List<String> columns, List<Object> values);
    }

    /** Anything that is not the database we expect; thrown without a stack trace, caught by {@link #readTable}. */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    private final SeekableByteChannel file;
    private final int pageSize;
    private final int usable;
    private final long pageCount;
    private final Charset text;
    private final BitSet visited = new BitSet();
    private int rowCount;

    private SqliteReader(SeekableByteChannel file) throws IOException, Malformed {
        this.file = file;
        long size = file.size();
        if (size < 512 || size > MAX_FILE_BYTES) throw new Malformed("size " + size);
        byte[] h = read(0, 100);
        if (!Arrays.equals(Arrays.copyOf(h, 16), MAGIC)) throw new Malformed("not a SQLite file");
        int ps = u16(h, 16);
        pageSize = ps == 1 ? 65536 : ps;
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1) throw new Malformed("page size " + ps);
        usable = pageSize - (h[20] & 0xff);
        if (usable < 480) throw new Malformed("reserved bytes");
        pageCount = size / pageSize;
        text = switch ((int) u32(h, 56)) {
            case 0, 1 -> StandardCharsets.UTF_8;
            case 2 -> StandardCharsets.UTF_16LE;
            case 3 -> StandardCharsets.UTF_16BE;
            default -> throw new Malformed("text encoding");
        };
    }

    /**
     * Hands each row of table {@code name} of the database at {@code path} to {@code sink}, streamed (only the
     * caller decides what to keep). False when the file is missing, refused, not a database we can read, or has no
     * such table; the rows already handed over must then be dropped, since a damaged file may end anywhere.
     */
    static boolean readTable(StudyFolder study, Path path, String name, RowSink sink) {
        var channel = study.openChannel(path);
        if (channel.isEmpty()) return false;
        try (SeekableByteChannel c = channel.get()) {
            new SqliteReader(c).table(name, sink);
            return true;
        } catch (Malformed | IOException | RuntimeException e) {
            return false; // a damaged, truncated or unexpected file: no usable history
        }
    }

    private void table(String name, RowSink sink) throws IOException, Malformed {
        // The schema table (type, name, tbl_name, rootpage, sql) is rooted at page 1.
        long[] root = {-1};
        String[] sql = {null};
        rows(1, row -> {
            if (row.size() >= 5 && "table".equals(row.get(0)) && row.get(1) instanceof String n && n.equalsIgnoreCase(name)
                    && row.get(3) instanceof Long r && row.get(4) instanceof String s) {
                root[0] = r;
                sql[0] = s;
            }
        });
        if (sql[0] == null) throw new Malformed("no table " + name);
        List<String> columns = List.copyOf(columns(sql[0]));
        rows(root[0], row -> {
            if (row.size() > columns.size()) throw new Malformed("row wider than its table");
            List<Object> padded = new ArrayList<>(row); // rows older than an ADD COLUMN are shorter: the rest is NULL
            while (padded.size() < columns.size()) padded.add(null);
            sink.row(columns, padded);
        });
    }

    private interface Records {
        void record(List<Object> values) throws Malformed;
    }

    /** Every record of the table b-tree rooted at {@code root}, walked with an explicit stack (no recursion). */
    private void rows(long root, Records out) throws IOException, Malformed {
        Deque<Long> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            long n = pending.pop();
            byte[] p = page(n);
            int h = n == 1 ? 100 : 0;
            int type = p[h] & 0xff;
            int cells = u16(p, h + 3);
            int pointers = h + (type == INTERIOR_TABLE ? 12 : 8);
            if (pointers + 2 * cells > usable) throw new Malformed("cell count");
            if (type == INTERIOR_TABLE) {
                pending.push(u32(p, h + 8)); // right-most child, visited last
                for (int i = cells - 1; i >= 0; i--) pending.push(u32(p, cellAt(p, pointers, i, 4)));
            } else if (type == LEAF_TABLE) {
                for (int i = 0; i < cells; i++) {
                    if (++rowCount > MAX_ROWS) throw new Malformed("too many rows");
                    out.record(record(payload(p, cellAt(p, pointers, i, 2))));
                }
            } else {
                throw new Malformed("page type " + type);
            }
        }
    }

    private int cellAt(byte[] p, int pointers, int i, int min) throws Malformed {
        int at = u16(p, pointers + 2 * i);
        if (at < pointers || at + min > usable) throw new Malformed("cell offset");
        return at;
    }

    /** A leaf cell's payload: the local part, then the overflow chain (fileformat2 §1.6 for the local size). */
    private byte[] payload(byte[] p, int at) throws IOException, Malformed {
        Varint size = varint(p, at, usable);
        Varint rowid = varint(p, size.end, usable);
        if (size.value < 0 || size.value > MAX_PAYLOAD_BYTES) throw new Malformed("payload size");
        int total = (int) size.value;
        int start = rowid.end;
        int maxLocal = usable - 35;
        int minLocal = (usable - 12) * 32 / 255 - 23;
        int local = total;
        if (total > maxLocal) {
            int k = minLocal + (total - minLocal) % (usable - 4);
            local = k <= maxLocal ? k : minLocal;
        }
        if (start + local + (local < total ? 4 : 0) > usable) throw new Malformed("cell past its page");
        byte[] out = new byte[total];
        System.arraycopy(p, start, out, 0, local);
        int filled = local;
        long next = local < total ? u32(p, start + local) : 0;
        while (filled < total) {
            if (next == 0) throw new Malformed("overflow chain too short");
            byte[] o = page(next);
            int n = Math.min(usable - 4, total - filled);
            System.arraycopy(o, 4, out, filled, n);
            filled += n;
            next = u32(o, 0);
        }
        return out;
    }

    /** A record: a header of serial types, then the values (fileformat2 §2.1). */
    private List<Object> record(byte[] r) throws Malformed {
        Varint headerSize = varint(r, 0, r.length);
        if (headerSize.value < headerSize.end || headerSize.value > r.length) throw new Malformed("record header");
        int end = (int) headerSize.value;
        List<Object> values = new ArrayList<>();
        int body = end;
        for (int at = headerSize.end; at < end; ) {
            Varint t = varint(r, at, end);
            at = t.end;
            long type = t.value;
            int len = type < 0 ? -1 : type <= 4 ? (int) type : type == 5 ? 6 : type <= 7 ? 8 : type <= 9 ? 0
                    : type <= 11 ? -1 : type <= 2L * MAX_PAYLOAD_BYTES + 13 ? (int) ((type - 12) / 2) : -1;
            if (len < 0 || body + len > r.length) throw new Malformed("serial type " + type);
            if (type == 0) values.add(null);
            else if (type <= 6) values.add(signed(r, body, len));
            else if (type == 7) values.add(Double.longBitsToDouble(signed(r, body, 8)));
            else if (type <= 9) values.add(type - 8);
            else if (type % 2 == 0) values.add(Arrays.copyOfRange(r, body, body + len));
            else values.add(new String(r, body, len, text));
            body += len;
        }
        return values;
    }

    /** The column names of a CREATE TABLE statement, in order (ALTER TABLE ADD COLUMN rewrites this text too). */
    static List<String> columns(String sql) throws Malformed {
        int open = sql.indexOf('(');
        int close = sql.lastIndexOf(')');
        if (open < 0 || close < open || sql.substring(close).toUpperCase(Locale.ROOT).contains("WITHOUT")) {
            throw new Malformed("table definition");
        }
        List<String> names = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int from = open + 1;
        for (int i = open + 1; i <= close; i++) {
            char c = i == close ? ',' : sql.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0; // a doubled quote closes and reopens: same result
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '[') {
                quote = ']';
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String name = firstWord(sql.substring(from, i).strip());
                if (name != null) names.add(name);
                from = i + 1;
            }
        }
        if (names.isEmpty()) throw new Malformed("no columns");
        return names;
    }

    /** A column definition's name (unquoted), or null for a table constraint. */
    private static String firstWord(String def) {
        if (def.isEmpty()) return null;
        char q = def.charAt(0);
        char closer = q == '"' ? '"' : q == '`' ? '`' : q == '[' ? ']' : 0;
        if (closer != 0) {
            int end = def.indexOf(closer, 1);
            return end < 0 ? null : def.substring(1, end).replace("\"\"", "\"");
        }
        int end = 0;
        while (end < def.length() && !Character.isWhitespace(def.charAt(end)) && def.charAt(end) != '(') end++;
        String word = def.substring(0, end);
        return TABLE_CONSTRAINTS.contains(word.toUpperCase(Locale.ROOT)) ? null : word;
    }

    private byte[] page(long n) throws IOException, Malformed {
        if (n < 1 || n > pageCount) throw new Malformed("page " + n + " out of range");
        if (visited.get((int) n)) throw new Malformed("page " + n + " reached twice");
        visited.set((int) n);
        return read((n - 1) * pageSize, pageSize);
    }

    private byte[] read(long offset, int length) throws IOException, Malformed {
        ByteBuffer b = ByteBuffer.allocate(length);
        file.position(offset);
        while (b.hasRemaining()) {
            if (file.read(b) < 0) throw new Malformed("file ends early");
        }
        return b.array();
    }

    private record Varint(long value, int end) {
    }

    /** A big-endian varint of at most 9 bytes, which must end before {@code limit}. */
    private static Varint varint(byte[] a, int at, int limit) throws Malformed {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            if (at + i >= Math.min(limit, a.length)) throw new Malformed("varint past its end");
            int b = a[at + i] & 0xff;
            if (i == 8) return new Varint((v << 8) | b, at + 9);
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) return new Varint(v, at + i + 1);
        }
        throw new AssertionError();
    }

    private static long signed(byte[] a, int at, int len) {
        long v = a[at]; // sign-extended first byte
        for (int i = 1; i < len; i++) v = (v << 8) | (a[at + i] & 0xff);
        return v;
    }

    private static int u16(byte[] a, int at) {
        return ((a[at] & 0xff) << 8) | (a[at + 1] & 0xff);
    }

    private static long u32(byte[] a, int at) {
        return ((long) u16(a, at) << 16) | u16(a, at + 2);
    }
}
