package opensafely.lsp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import opensafely.lsp.template.StudyTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * `init [DIR]`: a new study in DIR (default: the current folder), laid out as OpenSAFELY's research template does
 * ({@link StudyTemplate}). A folder that holds anything but {@code .git} is refused, exit 2 as bad usage: a new
 * study never goes over the user's files.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Lay out a new OpenSAFELY study (project.yaml, an ehrQL dataset definition, an analysis script,"
                + " codelists, output/) in an empty or new folder.")
public final class InitCommand implements Callable<Integer> {
    static final String PREFIX = "opensafely-lsp init: ";

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "The folder for the study, created if missing (default: the current folder).")
    Path dir;

    /** For tests: where a relative DIR starts, and the streams. */
    Path workingDirectory;
    PrintStream stdout;
    PrintStream stderr;

    @Override
    public Integer call() {
        PrintStream out = stdout != null ? stdout : System.out;
        PrintStream err = stderr != null ? stderr : System.err;
        Path cwd = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
        Path given = dir != null ? dir : Path.of(".");
        Path target = cwd.resolve(given).toAbsolutePath().normalize();
        List<String> written;
        try {
            written = StudyTemplate.create(target);
        } catch (StudyTemplate.NotEmpty e) {
            err.println(PREFIX + e.getMessage().replace(target.toString(), given.toString()));
            return 2;
        } catch (IOException e) {
            err.println(PREFIX + "cannot write the study in " + given + ": " + CheckCommand.describe(e));
            return 2;
        }
        out.println("Created a new OpenSAFELY study in " + given + ":");
        written.forEach(f -> out.println("  " + f));
        String cd = given.toString().equals(".") ? "" : "cd " + given + " && ";
        out.println("Next: " + cd + "opensafely-lsp check, then run run_all to try it on dummy data.");
        return 0;
    }
}
