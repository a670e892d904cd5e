package opensafely.lsp.workspace;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers see the old content or the new, never half of it: the content goes to a
 * temporary file in the same directory (same file system, so the rename is atomic), which then replaces
 * the target. A failed write leaves the target untouched and removes the temporary file. Every file the
 * tool writes (a report, a codelist, the manifest, dummy data) goes through here: the files are the user's.
 *
 * <p>A temporary file is named {@code .<target>.opensafely-lsp-<pid>-<n>.tmp}: hidden, recognisably ours
 * ({@link #isTemporary}), and naming the process that writes it. One left behind by a killed process (kill -9,
 * a power cut) is removed by the next write into the same directory ({@link #removeStale}), and readers that
 * list a folder (the codelists check) skip such names, so it is never taken for data.
 */
public final class AtomicWrite {
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final String MARK = ".opensafely-lsp-";
    private static final Pattern TEMPORARY = Pattern.compile("\\..+" + Pattern.quote(MARK) + "(\\d+)-\\d+\\.tmp");
    /** A temporary file this old is stale even if its process number is in use again (after a reboot, say). */
    private static final Duration STALE_AFTER = Duration.ofHours(12);
    private static final long PID = ProcessHandle.current().pid();
    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    private AtomicWrite() {
    }

    public static void write(Path target, Content content) throws IOException {
        Path abs = checkTarget(target);
        removeStale(abs.getParent());
        Path tmp = writeTemporary(abs, content);
        try {
            moveIntoPlace(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Whether a file name is one of our temporary files (a write in progress, or left by a killed process). */
    public static boolean isTemporary(String fileName) {
        return TEMPORARY.matcher(fileName).matches();
    }

    /**
     * Removes the temporary files in {@code dir} that no running write will finish: those of a process that
     * has ended, or older than {@link #STALE_AFTER}. Best effort: a file that cannot be removed stays.
     */
    public static void removeStale(Path dir) {
        if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + MARK + "*.tmp")) {
            Instant old = Instant.now().minus(STALE_AFTER);
            for (Path p : files) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
                long pid = Long.parseLong(m.group(1));
                boolean running = pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                FileTime modified = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
                if (!running || modified.toInstant().isBefore(old)) Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning up is a courtesy: it must not stop the write it precedes.
        }
    }

    /**
     * Files written together: each {@link #add} writes a temporary file beside its target, {@link #commit}
     * moves them all into place, and {@link #close} without a commit removes them, leaving every target as it
     * was. So a download that fails half-way changes nothing.
     */
    public static final class Batch implements AutoCloseable {
        private final Map<Path, Path> staged = new LinkedHashMap<>();

        public void add(Path target, Content content) throws IOException {
            Path abs = checkTarget(target);
            if (staged.containsKey(abs)) throw new IOException(abs + " is written twice");
            if (staged.isEmpty()) removeStale(abs.getParent());
            staged.put(abs, writeTemporary(abs, content));
        }

        public void add(Path target, byte[] content) throws IOException {
            add(target, out -> out.write(content));
        }

        /** Moves every staged file into place (renames in one directory: as near together as a file system allows). */
        public void commit() throws IOException {
            List<Map.Entry<Path, Path>> all = new ArrayList<>(staged.entrySet());
            for (Map.Entry<Path, Path> e : all) {
                moveIntoPlace(e.getValue(), e.getKey());
                staged.remove(e.getKey());
            }
        }

        @Override
        public void close() {
            for (Path tmp : staged.values()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // left for removeStale on the next run
                }
            }
            staged.clear();
        }
    }

    private static Path checkTarget(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IOException(abs + " is a directory"); // a move would replace an empty one
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(String.valueOf(dir)); // name the folder, not the temporary file
        }
        return abs;
    }

    private static Path writeTemporary(Path abs, Content content) throws IOException {
        Path tmp = abs.resolveSibling("." + abs.getFileName() + MARK + PID + "-" + COUNTER.incrementAndGet() + ".tmp");
        try {
            // CREATE_NEW: never write through a file or link that is already there.
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))) {
                content.writeTo(out);
            }
            readableLikeAnyOtherFile(tmp);
            return tmp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static void moveIntoPlace(Path tmp, Path abs) throws IOException {
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** What we write is an ordinary file that CI steps and people read. */
    private static void readableLikeAnyOtherFile(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: its defaults apply.
        }
    }
}
