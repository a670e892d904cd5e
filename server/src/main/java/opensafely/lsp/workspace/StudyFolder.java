package opensafely.lsp.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The folder of a study: the directory that holds project.yaml. Rules that check whether a file named in
 * the pipeline exists ask it; {@link #none()} stands for "no folder known" (a lone text), and then such
 * rules say nothing rather than something wrong.
 */
public final class StudyFolder {
    private static final StudyFolder NONE = new StudyFolder(null);

    private final Path root;

    private StudyFolder(Path root) {
        this.root = root;
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

    @Override
    public String toString() {
        return root == null ? "<no folder>" : root.toString();
    }
}
