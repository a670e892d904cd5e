package opensafely.lsp.cli.report;

import java.io.File;
import java.nio.file.Path;

/**
 * How reports name files: relative to the working directory with forward slashes, so that a CI run
 * at the repository root names `project.yaml` exactly as GitHub does; absolute (still with forward
 * slashes) only for a file outside the working directory.
 */
public final class ReportPaths {
    private ReportPaths() {
    }

    public static String display(Path workingDirectory, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        String s = abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
        return File.separatorChar == '/' ? s : s.replace(File.separatorChar, '/');
    }
}
