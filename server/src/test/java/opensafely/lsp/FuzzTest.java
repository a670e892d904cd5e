package opensafely.lsp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Mutated real files (the corpus's project.yaml files, the examples' studies, a study definition) and
 * garbage, through every editor feature of {@link StudyLanguageService} at random positions. Nothing may
 * throw (the service's guards would hide it, so its stderr is watched), every call must return within
 * {@link #CALL_BOUND_SECONDS}, and every diagnostic's range must lie inside its document.
 *
 * <p>Fixed seed and a time budget, so `mvn verify` runs the same cases in about {@code fuzz.seconds}
 * (40 by default); run longer or with another seed locally, e.g.
 * {@code -Dfuzz.seconds=600 -Dfuzz.seed=7}. A failing input is saved under target/fuzz-failures/.
 */
public class FuzzTest {
    public static final long SEED = Long.getLong("fuzz.seed", 20261206L);
    public static final long SECONDS = Long.getLong("fuzz.seconds", 40L);
    static final int CALL_BOUND_SECONDS = 20;

    /** A file to mutate, at the path it is analysed as (that decides its kind and its study folder). */
    public record Input(Path path, String text) {
    }

    public static List<Input> inputs() throws IOException {
        List<Input> inputs = new ArrayList<>();
        Path corpus = SharedData.dir().resolve("corpus");
        if (Files.isDirectory(corpus)) {
            try (Stream<Path> studies = Files.list(corpus)) {
                for (Path p : studies.sorted().map(s -> s.resolve("project.yaml")).filter(Files::isRegularFile).toList()) {
                    inputs.add(new Input(p.toAbsolutePath(), Files.readString(p)));
                }
            }
        }
        Path examples = SharedData.repo().resolve("examples");
        if (Files.isDirectory(examples)) {
            try (Stream<Path> files = Files.walk(examples)) {
                for (Path p : files.sorted().filter(f -> f.toString().endsWith(".py") || f.getFileName().toString().equals("project.yaml")).toList()) {
                    inputs.add(new Input(p.toAbsolutePath(), Files.readString(p)));
                }
            }
            Path studyDefinition = SharedData.repo().resolve("grammar/src/test/resources/fixtures/study_definition.py");
            if (Files.isRegularFile(studyDefinition)) {
                inputs.add(new Input(examples.resolve("clean-study/analysis/study_definition.py").toAbsolutePath(),
                        Files.readString(studyDefinition)));
            }
        }
        return inputs;
    }

    /** Every diagnostic's range lies inside the text, on real lines and columns (UTF-16). */
    public static void assertInside(List<Diagnostic> diagnostics, String text, Supplier<String> context) {
        LineIndex lines = new LineIndex(text);
        for (Diagnostic d : diagnostics) {
            Range r = d.range();
            boolean ok = r.start().compareTo(r.end()) <= 0 && inside(lines, r.start()) && inside(lines, r.end());
            if (!ok) fail("range outside the document: " + d + "\n" + context.get());
        }
    }

    private static boolean inside(LineIndex lines, Position p) {
        return p.line() >= 0 && p.line() < lines.lineCount() && p.character() >= 0
                && p.character() <= lines.lineEnd(p.line()) - lines.lineStart(p.line());
    }

    @Test
    void mutatedStudiesThroughEveryFeature() throws Exception {
        List<Input> inputs = inputs();
        Assumptions.assumeTrue(!inputs.isEmpty(), "no corpus or examples beside the repository");
        Mutator mutator = new Mutator(new Random(SEED));
        Random random = mutator.random();
        StudyLanguageService service = new StudyLanguageService();
        // Deep stacks, as the editor's and check's analysis threads have.
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz", 256L << 20);
            t.setDaemon(true);
            return t;
        });
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        int cases = 0;
        try {
            while (System.nanoTime() < deadline || cases < inputs.size()) {
                Input input = inputs.get(cases % inputs.size());
                String text = random.nextInt(30) == 0 ? mutator.garbage(random.nextInt(5000)) : mutator.mutate(input.text());
                Document doc = new Document(input.path(), text, cases + 1, StudyFolder.enclosing(input.path()).orElse(StudyFolder.none()));
                String where = input.path() + " case " + cases;
                List<Diagnostic> diagnostics = call(worker, () -> service.diagnostics(doc), doc, where + " diagnostics");
                assertInside(diagnostics, text, () -> saved(doc, where));
                LineIndex lines = new LineIndex(text);
                for (int i = 0; i < 3; i++) {
                    Position pos = lines.position(text.isEmpty() ? 0 : random.nextInt(text.length() + 1));
                    call(worker, () -> service.complete(doc, pos), doc, where + " completion at " + pos);
                    call(worker, () -> service.hover(doc, pos), doc, where + " hover at " + pos);
                    call(worker, () -> service.definition(doc, pos), doc, where + " definition at " + pos);
                }
                call(worker, () -> service.symbols(doc), doc, where + " symbols");
                String failures = captured.toString(StandardCharsets.UTF_8);
                if (failures.contains(" failed on ")) fail("a feature threw: " + failures + "\n" + saved(doc, where));
                cases++;
            }
        } finally {
            System.setErr(stderr);
            worker.shutdownNow();
        }
        System.out.println("fuzz: " + cases + " cases in " + SECONDS + " s, seed " + SEED);
        assertTrue(cases >= inputs.size());
    }

    private static <T> T call(ExecutorService worker, java.util.concurrent.Callable<T> feature, Document doc, String what) throws Exception {
        Future<T> f = worker.submit(feature);
        try {
            return f.get(CALL_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " did not return within " + CALL_BOUND_SECONDS + " s\n" + saved(doc, what));
        } catch (ExecutionException e) {
            return fail(what + " threw " + e.getCause() + "\n" + saved(doc, what), e.getCause());
        }
    }

    /** Keeps a failing input for reproduction; returns where. */
    static String saved(Document doc, String what) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            Path file = dir.resolve(Integer.toHexString(doc.text().hashCode()) + "-" + doc.path().getFileName());
            Files.write(file, doc.text().getBytes(StandardCharsets.UTF_8));
            return "input saved to " + file.toAbsolutePath() + " (analysed as " + doc.path() + ") for " + what;
        } catch (IOException | RuntimeException e) {
            return "input could not be saved: " + e;
        }
    }
}
