package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import opensafely.lsp.pipeline.OutputPattern;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The folder one job runs in, {@code metadata/volumes/<jobid>/} as opensafely run makes it (tooling spec §2.6 step
 * 2): every file of the study except those matching any action's output pattern, {@code .git} and
 * {@code metadata/}, then the recorded outputs of the actions the job needs, and nothing else. So a script that
 * reads an output its action does not need fails here exactly as it would on the server.
 *
 * <p>A link is copied as the file it leads to only when that file is inside the study ({@link StudyFolder#access});
 * a link that leaves the study, or leads to a folder, is not copied: the job must not see what lies outside.
 */
public final class JobWorkspace implements AutoCloseable {
    public static final String VOLUMES = "metadata/volumes";

    private final Path dir;
    /** What each file was when the job started (size and time), to tell which files the job wrote. */
    private final Map<String, String> before = new HashMap<>();

    private JobWorkspace(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Makes the workspace of job {@code jobId}.
     *
     * @param allPatterns every output pattern of every action (their files are not code)
     * @param inputs      the outputs of the needed actions, relative paths
     * @throws IOException also when an input recorded for a needed action is gone ("A listed input missing on disk is an error")
     */
    public static JobWorkspace prepare(StudyFolder study, String jobId, Collection<OutputPattern> allPatterns, Collection<String> inputs)
            throws IOException {
        Path root = study.root().orElseThrow();
        Path dir = root.resolve(VOLUMES).resolve(jobId);
        Files.createDirectories(dir);
        JobWorkspace ws = new JobWorkspace(dir);
        try {
            ws.copyCode(study, root, allPatterns);
            for (String input : inputs) {
                Path from = root.resolve(input).normalize();
                if (study.access(from) != StudyFolder.Access.FILE) throw new IOException("the input " + input + " is missing from the study folder");
                ws.copy(from, input);
            }
            ws.snapshot();
            return ws;
        } catch (IOException | RuntimeException e) {
            ws.close();
            throw e;
        }
    }

    private void copyCode(StudyFolder study, Path root, Collection<OutputPattern> patterns) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                String rel = relative(root, d);
                return rel.equals(".git") || rel.equals("metadata") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, f);
                if (patterns.stream().anyMatch(p -> p.matches(rel))) return FileVisitResult.CONTINUE;
                if (study.access(f) == StudyFolder.Access.FILE) copy(f, rel);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // an unreadable file is not copied; the job says what it missed
            }
        });
    }

    private void copy(Path from, String rel) throws IOException {
        Path to = dir.resolve(rel).normalize();
        if (!to.startsWith(dir)) throw new IOException("not a path inside the study: " + rel);
        Files.createDirectories(to.getParent());
        Files.copy(from.toRealPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }

    private void snapshot() throws IOException {
        for (String rel : files()) before.put(rel, stamp(dir.resolve(rel)));
    }

    /** Every regular file in the workspace now, relative, forward slashes, sorted; links are not followed. */
    public List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).map(p -> relative(dir, p)).sorted().toList();
        }
    }

    /** Whether the job made or changed this file (job-runner: newer than the timestamp marker). */
    public boolean writtenByJob(String rel) {
        try {
            return !stamp(dir.resolve(rel)).equals(before.get(rel));
        } catch (IOException e) {
            return false;
        }
    }

    private static String stamp(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.size() + "@" + a.lastModifiedTime().toMillis() + "#" + a.fileKey();
    }

    static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** Removes the workspace (job-runner removes the volume after each job). Best effort: a job may leave unremovable files. */
    @Override
    public void close() {
        deleteTree(dir);
        Path volumes = dir.getParent();
        try {
            Files.deleteIfExists(volumes); // only when empty: other jobs may be running
        } catch (IOException e) {
            // not empty
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            // Deepest first; walk does not follow links, so a link is removed, never what it leads to.
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind; the next job has its own folder
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing more to do
        }
    }
}
