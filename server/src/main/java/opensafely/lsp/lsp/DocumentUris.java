package opensafely.lsp.lsp;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Converts between the URIs the client names documents by and the paths the analysis core works with.
 * Only {@code file:} URIs name something on disk; any other document (an unsaved "untitled:" buffer)
 * still gets a path made of its last segment, so its kind (project.yaml or not) can be told from its name.
 */
final class DocumentUris {
    private DocumentUris() {
    }

    /** The file a {@code file:} URI names, if it is one. */
    static Optional<Path> filePath(String uri) {
        try {
            URI u = URI.create(uri);
            if ("file".equalsIgnoreCase(u.getScheme())) {
                return Optional.of(Path.of(u).toAbsolutePath().normalize());
            }
        } catch (RuntimeException e) {
            // IllegalArgumentException or FileSystemNotFoundException: not a usable file URI.
        }
        return Optional.empty();
    }

    /** A path for any document: the file for a file URI, otherwise a relative path of its last name. */
    static Path path(String uri) {
        return filePath(uri).orElseGet(() -> {
            String s = uri;
            int q = s.indexOf('?');
            if (q >= 0) s = s.substring(0, q);
            int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf(':'));
            String name = slash >= 0 ? s.substring(slash + 1) : s;
            try {
                return Path.of(name.isEmpty() ? "untitled" : name);
            } catch (RuntimeException e) {
                return Path.of("untitled");
            }
        });
    }

    static String uri(Path path) {
        return path.toAbsolutePath().normalize().toUri().toString();
    }
}
