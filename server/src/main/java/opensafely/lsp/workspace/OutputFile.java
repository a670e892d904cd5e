package opensafely.lsp.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What an {@code --output FILE} may be. {@code -} is standard output, for every command. Otherwise the
 * path must be new or an ordinary file: {@link AtomicWrite} renames its temporary file over the path, which
 * would replace a symbolic link (not the file it points to), a named pipe a reader waits on, or a device
 * node such as {@code /dev/full} (as root) with a plain file. Those are refused before anything is written.
 */
public final class OutputFile {
    /** The {@code --output} value that means standard output. */
    public static final String STDOUT = "-";

    private OutputFile() {
    }

    public static boolean isStdout(String argument) {
        return STDOUT.equals(argument);
    }

    /** Throws, with a message that names the path and says why, unless {@code target} is absent or a regular file. */
    public static void checkReplaceable(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isSymbolicLink(abs)) {
            throw new IOException(abs + " is a symbolic link; writing would replace the link, so it is left alone."
                    + " Give the path of the file itself.");
        }
        if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(abs + " is a folder; give the path of a file.");
        }
        if (!Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(abs + " is not a regular file (a device, pipe or socket), so it is not replaced."
                    + " Give the path of a new or ordinary file, or - for standard output.");
        }
    }
}
