package opensafely.lsp.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The folder of a study: the directory that holds project.yaml. Rules that check whether a file named in
 * the pipeline exists ask it; {@link #none()} stands for "no folder known" (a lone text), and then such
 * rules say nothing rather than something wrong.
 *
 * <p>It is also the one way to read a file of the study ({@link #access}, {@link #open}, {@link #readString}):
 * a study may come from a pull request, and a link in it ({@code codelists/x.csv -> /proc/self/environ}) must
 * not make the tool read, and then echo into a CI report, what lies outside the folder. So a read resolves the
 * real path and refuses anything outside the folder's real path, and anything that is not a regular file (a
 * FIFO or a device would hang or never end), and reads at most a bounded number of bytes.
 */
public final class StudyFolder {
    private static final StudyFolder NONE = new StudyFolder(null);

    /** What is at a path, for reading: a regular file inside the folder, or why it cannot be read. */
    public enum Access {
        /** A regular file whose real path is inside the folder: it may be read. */
        FILE,
        /** Nothing there (or a link to nothing). */
        MISSING,
        /** Outside the folder, or a link that leads out of it: never read. */
        OUTSIDE,
        /** A directory, FIFO, device or socket: not a file to read. */
        NOT_A_FILE
    }

    /** Python modules, project.yaml, codelists.txt: far smaller than this; a bigger one is not read at all. */
    public static final long MAX_TEXT_BYTES = 16L << 20;

    private final Path root;
    private volatile Path realRoot;

    private StudyFolder(Path root) {
        this.root = root;
    }

    /**
     * The study folder of a file, or, for a lone file, the folder it is in: the bounds within which the files it
     * names (imports, data) may be read.
     */
    public static StudyFolder around(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return enclosing(abs).orElseGet(() -> abs.getParent() == null ? NONE : at(abs.getParent()));
    }

    public static StudyFolder at(Path root) {
        return new StudyFolder(root.toAbsolutePath().normalize());
    }

    public static StudyFolder none() {
        return NONE;
    }

    /** The nearest folder at or above {@code start} that holds project.yaml, if any. */
    public static Optional<StudyFolder> enclosing(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("project.yaml"))) {
                return Optional.of(at(dir));
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    public boolean known() {
        return root != null;
    }

    public Optional<Path> root() {
        return Optional.ofNullable(root);
    }

    /**
     * The path of a file relative to the study folder, with {@code /} separators (as project.yaml names files), if the
     * folder is known and the file lies inside it: the inverse of {@link #resolve(String)}.
     */
    public Optional<String> relativePath(Path file) {
        if (root == null || file == null) return Optional.empty();
        try {
            Path abs = file.toAbsolutePath().normalize();
            Path r = root.toAbsolutePath().normalize();
            return abs.startsWith(r) ? Optional.of(r.relativize(abs).toString().replace('\\', '/')) : Optional.empty();
        } catch (RuntimeException e) { // IllegalArgumentException for paths of another file system
            return Optional.empty();
        }
    }

    /** The absolute path of a path relative to the study folder, if the folder is known and it stays inside. */
    public Optional<Path> resolve(String relative) {
        if (root == null) return Optional.empty();
        try {
            Path p = root.resolve(relative).normalize();
            return p.startsWith(root) ? Optional.of(p) : Optional.empty();
        } catch (RuntimeException e) { // InvalidPathException on odd characters
            return Optional.empty();
        }
    }

    /** Whether a regular file exists at a path relative to the folder. False when the folder is unknown. */
    public boolean isFile(String relative) {
        return resolve(relative).map(Files::isRegularFile).orElse(false);
    }

    public boolean isDirectory(String relative) {
        return resolve(relative).map(Files::isDirectory).orElse(false);
    }

    /**
     * Entries of a directory relative to the folder (names only, directories with a trailing slash), for
     * path completion. Empty when the folder is unknown or the directory does not exist.
     */
    public List<String> list(String relativeDir) {
        List<String> out = new ArrayList<>();
        Optional<Path> dir = resolve(relativeDir.isEmpty() ? "." : relativeDir);
        if (dir.isEmpty() || !Files.isDirectory(dir.get())) return out;
        try (Stream<Path> s = Files.list(dir.get())) {
            s.sorted().limit(1000).forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) return;
                out.add(Files.isDirectory(p) ? name + "/" : name);
            });
        } catch (IOException e) {
            // An unreadable directory offers no completions.
        }
        return out;
    }

    /**
     * Whether {@code path} may be read: its real path (every link resolved) must be a regular file inside the
     * real path of this folder. An unknown folder contains nothing.
     */
    public Access access(Path path) {
        if (root == null || path == null) return Access.OUTSIDE;
        try {
            Path abs = path.toAbsolutePath().normalize();
            if (!abs.startsWith(root)) return Access.OUTSIDE;
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) return Access.MISSING;
            Path real;
            try {
                real = abs.toRealPath();
            } catch (IOException e) {
                return Access.MISSING; // a dangling link: there is nothing to read
            }
            Path top = realRoot();
            if (top == null || !real.startsWith(top)) return Access.OUTSIDE;
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Access.FILE : Access.NOT_A_FILE;
        } catch (IOException | RuntimeException e) {
            return Access.MISSING;
        }
    }

    /** {@link #access} of a path relative to the folder. */
    public Access access(String relative) {
        return resolve(relative).map(this::access).orElse(Access.OUTSIDE);
    }

    /** Whether {@code path} is a link (somewhere on its way) whose target lies outside the folder: to be reported, not read. */
    public boolean leavesFolder(Path path) {
        if (root == null || path == null) return false;
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(root) && access(abs) == Access.OUTSIDE;
    }

    /**
     * Opens a file of the study for reading, if {@link #access} allows it; the stream ends after
     * {@code maxBytes} bytes whatever the file holds ({@link Bounded#truncated()} then says so). The real path is
     * opened without following links, so a link swapped in after the check is refused too.
     */
    public Optional<Bounded> open(Path path, long maxBytes) {
        if (access(path) != Access.FILE) return Optional.empty();
        try {
            Path real = path.toAbsolutePath().normalize().toRealPath();
            if (!real.startsWith(realRoot())) return Optional.empty();
            return Optional.of(new Bounded(Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS), maxBytes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens a study file for random access (an Arrow file's footer is at its end), if {@link #access} allows it;
     * like {@link #open}, the real path is opened without following links.
     */
    public Optional<java.nio.channels.SeekableByteChannel> openChannel(Path path) {
        if (access(path) != Access.FILE) return Optional.empty();
        try {
            Path real = path.toAbsolutePath().normalize().toRealPath();
            if (!real.startsWith(realRoot())) return Optional.empty();
            return Optional.of(Files.newByteChannel(real, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The whole content of a study file of at most {@code maxBytes} bytes; empty when refused, unreadable or longer. */
    public Optional<byte[]> readBytes(Path path, long maxBytes) {
        Optional<Bounded> in = open(path, maxBytes);
        if (in.isEmpty()) return Optional.empty();
        try (Bounded s = in.get()) {
            byte[] bytes = s.readAllBytes();
            return s.truncated() ? Optional.empty() : Optional.of(bytes);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A study text file (UTF-8) of at most {@link #MAX_TEXT_BYTES}; empty when it cannot or may not be read. */
    public Optional<String> readString(Path path) {
        return readBytes(path, MAX_TEXT_BYTES).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** {@link #readString(Path)} of a path relative to the folder. */
    public Optional<String> readString(String relative) {
        return resolve(relative).flatMap(this::readString);
    }

    private Path realRoot() throws IOException {
        Path r = realRoot;
        if (r == null) {
            r = root.toRealPath();
            realRoot = r;
        }
        return r;
    }

    /** A stream that ends after a fixed number of bytes, and remembers whether the file had more. */
    public static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;
        private boolean truncated;

        Bounded(InputStream in, long maxBytes) {
            this.in = in;
            this.left = maxBytes;
        }

        /** Whether the file goes on after the bytes this stream gave. */
        public boolean truncated() {
            return truncated;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (left <= 0) {
                if (!truncated && in.read() != -1) truncated = true;
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    @Override
    public String toString() {
        return root == null ? "<no folder>" : root.toString();
    }
}
