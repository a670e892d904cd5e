package opensafely.lsp.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import picocli.CommandLine;

/** `dummy-data` run in a study folder as a user would, on a fixed day, with what it printed: for the dummy-data command tests. */
record DummyDataRun(int exit, String out, String err) {
    static DummyDataRun in(Path study, String... args) {
        DummyDataCommand cmd = new DummyDataCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        cmd.workingDirectory = study;
        cmd.stdout = out;
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        cmd.clock = Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC);
        int exit = new CommandLine(cmd).execute(args);
        return new DummyDataRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
