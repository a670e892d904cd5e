package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Study folders on disk and an in-process `check` with its own working directory and streams. */
final class CheckFixtures {
    private CheckFixtures() {
    }

    /** A clean version-5 project: one action whose script exists. */
    static final String CLEAN = """
            version: '5.0'
            actions:
              extract:
                run: python:v2 python analysis/extract.py
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
            """;

    /** The same action defined twice: `yaml-duplicate-key` on lines 3 and 8 (1-based), columns 3-4. */
    static final String DUPLICATE_KEY = """
            version: '5.0'
            actions:
              extract:
                run: python:v2 python analysis/extract.py
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
              extract:
                run: python:v2 python analysis/extract.py --again
                outputs:
                  moderately_sensitive:
                    other: output/other.csv
            """;

    /** Valid, but at an old format version: only `version-outdated`, a warning. */
    static final String OLD_VERSION = CLEAN.replace("'5.0'", "'4.0'");

    record Result(int exit, String out, String err) {
    }

    static Path study(Path dir, String projectYaml) throws IOException {
        return study(dir, projectYaml.getBytes(UTF_8));
    }

    static Path study(Path dir, byte[] projectYaml) throws IOException {
        Files.createDirectories(dir.resolve("analysis"));
        Files.writeString(dir.resolve("analysis/extract.py"), "# placeholder\n");
        Files.write(dir.resolve("project.yaml"), projectYaml);
        return dir;
    }

    /** Runs `check ARGS` as if started in {@code cwd}. */
    static Result check(Path cwd, String... args) {
        return check(cwd, name -> null, args);
    }

    /** Runs `check ARGS` in {@code cwd} with the given environment (by default an empty one, so that a CI
     * run of the tests never writes to the real job summary). */
    static Result check(Path cwd, java.util.function.Function<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CheckCommand cmd = new CheckCommand();
        cmd.environment = environment;
        cmd.workingDirectory = cwd;
        cmd.stdout = out;
        cmd.stderr = new PrintStream(err, true, UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Result(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    /** Runs the real entry point, `opensafely-lsp ARGS`, capturing the process streams. */
    static synchronized Result main(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, UTF_8));
            System.setErr(new PrintStream(err, true, UTF_8));
            int exit = Main.run(args);
            System.out.flush();
            System.err.flush();
            return new Result(exit, out.toString(UTF_8), err.toString(UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
