package opensafely.lsp.workspace;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the study folders (folders holding project.yaml) in an editor's workspace folders, so that the
 * whole of each study can be checked when it is opened, not only the files the user opens.
 *
 * <p>Bounded, because a workspace may be a home folder: it looks at most {@code maxDepth} folders down,
 * stops after {@code maxStudies} studies or {@link #MAX_FOLDERS} folders, does not follow links, and skips
 * folders that never hold a study (dot-folders such as .git, node_modules, output, virtual environments).
 * It does not look inside a study for another one: a study's own files are {@link StudyFiles}.
 */
public final class StudySearch {
    /** Folders visited before giving up, whatever the depth: a few seconds on a slow disk at most. */
    static final int MAX_FOLDERS = 5_000;
    private static final Set<String> SKIPPED = Set.of("node_modules", "output", "__pycache__", "venv", "site-packages",
            "target", "build", "dist");

    private StudySearch() {
    }

    /** The study folders at most {@code maxDepth} folders below {@code roots} (a root itself at depth 0), in the order found. */
    public static List<Path> find(List<Path> roots, int maxDepth, int maxStudies) {
        List<Path> studies = new ArrayList<>();
        int[] folders = {0};
        for (Path root : roots) {
            if (studies.size() >= maxStudies || !Files.isDirectory(root)) continue;
            try {
                Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), maxDepth + 1,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                                if (++folders[0] > MAX_FOLDERS) return FileVisitResult.TERMINATE;
                                if (!dir.equals(root) && skipped(dir)) return FileVisitResult.SKIP_SUBTREE;
                                Path study = dir.toAbsolutePath().normalize();
                                if (Files.isRegularFile(dir.resolve("project.yaml"))) {
                                    if (studies.contains(study)) return FileVisitResult.SKIP_SUBTREE; // roots may nest
                                    studies.add(study);
                                    return studies.size() >= maxStudies ? FileVisitResult.TERMINATE : FileVisitResult.SKIP_SUBTREE;
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException e) {
                                return FileVisitResult.CONTINUE; // an unreadable folder holds no study we can check
                            }
                        });
            } catch (IOException e) {
                // walkFileTree reports failures to the visitor; nothing else is thrown for a readable root.
            }
        }
        return studies;
    }

    private static boolean skipped(Path dir) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return name.startsWith(".") || SKIPPED.contains(name);
    }
}
