package opensafely.lsp.cli;

import static opensafely.lsp.cli.CheckFixtures.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import opensafely.lsp.cli.CheckFixtures.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `check` analyses files in parallel; what it reports must not depend on it. */
class CheckParallelTest {
    @TempDir
    Path tmp;

    /**
     * The typical-mistakes example, with more definitions (copies of its dataset definition, one importing a helper
     * module with a mistake in it) and a second study, so that several threads have work: the JSON is the same byte
     * for byte on one thread and on four, run after run.
     */
    @Test
    void aStudyWithSeveralDefinitionsGivesTheSameReportOnOneThreadAsOnMany() throws Exception {
        Path first = tmp.resolve("first");
        copy(Path.of("../examples/typical-mistakes"), first);
        String definition = Files.readString(first.resolve("analysis/dataset_definition.py"));
        for (int i = 2; i <= 6; i++) Files.writeString(first.resolve("analysis/definition_" + i + ".py"), definition);
        Files.writeString(first.resolve("analysis/helpers.py"), "from ehrql.tables.core import patients\nage = patients.date_of_birht\n");
        Files.writeString(first.resolve("analysis/definition_7.py"), "from helpers import age\n" + definition);
        Path second = tmp.resolve("second");
        copy(Path.of("../examples/clean-study"), second);

        Result serial = withThreads("1", () -> check(tmp, "--format", "json", "first", "second"));
        assertEquals(1, serial.exit(), serial.err());
        assertTrue(serial.out().contains("\"analysis/definition_7.py\"") || serial.out().contains("first/analysis/definition_7.py"), serial.out());
        assertTrue(serial.out().split("ehrql-first-without-sort", -1).length > 6, "each copy reports its findings: " + serial.out());
        for (int run = 0; run < 5; run++) {
            Result parallel = withThreads("4", () -> check(tmp, "--format", "json", "first", "second"));
            assertEquals(serial.out(), parallel.out(), "run " + run);
            assertEquals(serial.err(), parallel.err(), "run " + run);
            assertEquals(serial.exit(), parallel.exit(), "run " + run);
        }
    }

    /** The tasks do run at once: each waits for the other, which on one thread would never happen. */
    @Test
    void tasksRunAtOnceAndResultsKeepTheirOrder() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        List<ParallelAnalyses.Task<String>> tasks = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            tasks.add(() -> {
                both.countDown();
                return both.await(30, TimeUnit.SECONDS) ? name : "alone";
            });
        }
        for (int i = 0; i < 20; i++) tasks.add(() -> "x");
        List<String> results = withThreads("2", () -> ParallelAnalyses.run(tasks));
        assertEquals("a", results.get(0));
        assertEquals("b", results.get(1));
        assertEquals(22, results.size());
    }

    /** A failure is the first in task order, whichever thread met its failure first, as on one thread. */
    @Test
    void theFirstFailureInTaskOrderIsThrown() {
        IllegalStateException first = new IllegalStateException("first");
        CountDownLatch later = new CountDownLatch(1);
        List<ParallelAnalyses.Task<String>> tasks = List.of(
                () -> {
                    later.await(30, TimeUnit.SECONDS); // the second task fails before this one does
                    throw first;
                },
                () -> {
                    later.countDown();
                    throw new CheckCommand.UnusableFile("second");
                });
        Exception thrown = assertThrows(Exception.class, () -> withThreads("2", () -> ParallelAnalyses.run(tasks)));
        assertSame(first, thrown);
    }

    /** A deep expression still analyses on a pool thread: each has Guard's large stack. */
    @Test
    void poolThreadsHaveTheLargeStack() throws Exception {
        List<ParallelAnalyses.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) tasks.add(() -> depth(200_000));
        assertEquals(List.of(200_000, 200_000, 200_000, 200_000), withThreads("2", () -> ParallelAnalyses.run(tasks)));
    }

    private static int depth(int n) {
        return n == 0 ? 0 : 1 + depth(n - 1);
    }

    interface Body<T> {
        T run() throws Exception;
    }

    private static <T> T withThreads(String threads, Body<T> body) throws Exception {
        String old = System.getProperty(ParallelAnalyses.THREADS_PROPERTY);
        System.setProperty(ParallelAnalyses.THREADS_PROPERTY, threads);
        try {
            return body.run();
        } finally {
            if (old == null) System.clearProperty(ParallelAnalyses.THREADS_PROPERTY);
            else System.setProperty(ParallelAnalyses.THREADS_PROPERTY, old);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
