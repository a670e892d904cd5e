package opensafely.lsp;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared test data (specs, conformance cases, corpus) lives: beside the repository. */
public final class SharedData {
    private SharedData() {
    }

    public static Path dir() {
        String prop = System.getProperty("shared.dir");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("../shared");
        }
        return p.toAbsolutePath().normalize();
    }

    public static Path repo() {
        String prop = System.getProperty("repo.dir");
        return (prop != null ? Path.of(prop) : Path.of("..")).toAbsolutePath().normalize();
    }
}
