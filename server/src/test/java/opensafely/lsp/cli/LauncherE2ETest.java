package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/opensafely-lsp, the launcher the README documents (issue #15), run with sh as a user runs it: it answers
 * exactly as `java -jar` (output and exit code), with or without its start-up cache, passes every argument
 * through unchanged, and a corrupt or stale cache only costs speed.
 */
class LauncherE2ETest {
    private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
    private static final Path LAUNCHER = REPO.resolve("bin/opensafely-lsp");
    private static final Path JAR = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
    private static final Path JAVA25 = Path.of(System.getProperty("java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path cwd, List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().remove("OPENSAFELY_LSP_JAVA_OPTS");
        pb.environment().remove("OPENSAFELY_LSP_JAR");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("OPENSAFELY_LSP_CACHE_DIR", tmp.resolve("cache").toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command);
        return new Run(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }

    private Run javaJar(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(cwd, command, Map.of());
    }

    private Run launcher(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), "server jar not built: " + JAR);
        List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return run(cwd, command, env);
    }

    private List<Path> cacheFiles() throws IOException {
        Path dir = tmp.resolve("cache");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot")).toList();
        }
    }

    private Path makeCache(Map<String, String> env) throws IOException, InterruptedException {
        Run made = launcher(tmp, env, "--make-aot-cache");
        assertEquals(0, made.exit(), made.err());
        assertEquals("", made.err());
        Path cache = Path.of(made.out().replaceFirst("^opensafely-lsp: start-up cache written: ", "").strip());
        assertTrue(Files.size(cache) > 0, made.out());
        assertTrue(cache.startsWith(tmp.resolve("cache")), "the cache is in the cache folder: " + cache);
        return cache;
    }

    /** --version, a clean study (exit 0), a study with mistakes (exit 1), bad usage (exit 2): the same as java -jar. */
    private void assertSameAsJavaJar(Map<String, String> env) throws Exception {
        List<List<String>> cases = List.of(
                List.of("--version"),
                List.of("check", REPO.resolve("examples/clean-study").toString()),
                List.of("check", REPO.resolve("examples/typical-mistakes").toString(), "--format", "json"),
                List.of("check", "--format", "yaml"),
                List.of("check", "no such folder"));
        for (List<String> args : cases) {
            String[] a = args.toArray(String[]::new);
            Run expected = javaJar(tmp, a);
            Run actual = launcher(tmp, env, a);
            assertEquals(expected, actual, String.join(" ", args));
        }
        assertEquals(0, javaJar(tmp, "--version").exit());
        assertEquals(1, javaJar(tmp, "check", REPO.resolve("examples/typical-mistakes").toString()).exit());
    }

    @Test
    void answersAsJavaJarWithoutAndWithTheCache() throws Exception {
        assertSameAsJavaJar(Map.of("OPENSAFELY_LSP_CACHE", "off"));
        assertEquals(List.of(), cacheFiles(), "off means no cache");
        Path cache = makeCache(Map.of());
        assertSameAsJavaJar(Map.of());
        assertEquals(List.of(cache), cacheFiles());
    }

    @Test
    void aCorruptOrStaleCacheOnlyCostsSpeed() throws Exception {
        Path cache = makeCache(Map.of());
        // Corrupt: the launcher finds a file under the right name and the JVM refuses it, silently.
        byte[] good = Files.readAllBytes(cache);
        Files.write(cache, "not an archive".getBytes(UTF_8));
        assertSameAsJavaJar(Map.of());
        // Stale: an archive made for another jar (here a copy elsewhere, which the JVM tells apart) under this name.
        Path otherJar = Files.copy(JAR, tmp.resolve("other.jar"));
        Path other = makeCache(Map.of("OPENSAFELY_LSP_JAR", otherJar.toString()));
        assertTrue(!other.equals(cache), "a jar elsewhere has its own cache");
        Files.write(cache, Files.readAllBytes(other));
        assertSameAsJavaJar(Map.of());
        Files.write(cache, good);
        assertSameAsJavaJar(Map.of());
    }

    @Test
    void argumentsPassThroughUnchanged() throws Exception {
        Path study = tmp.resolve("a study with 'quotes', $HOME and *");
        Files.createDirectories(study);
        CheckFixtures.study(study, CheckFixtures.DUPLICATE_KEY);
        Map<String, String> off = Map.of("OPENSAFELY_LSP_CACHE", "off");
        for (List<String> args : List.of(
                List.of("check", study.toString()),
                List.of("check", study.resolve("project.yaml").toString(), "--format", "github"),
                List.of("check", "  ", "--output", tmp.resolve("report with spaces.txt").toString()))) {
            String[] a = args.toArray(String[]::new);
            assertEquals(javaJar(tmp, a), launcher(tmp, off, a), args.toString());
        }
        Run r = launcher(study, off, "check", "--format=json", "");
        assertEquals(javaJar(study, "check", "--format=json", ""), r);
    }

    @Test
    void onJava25TheAotCacheGivesTheSameAnswers() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JAVA25.resolve("bin/java")), "no Java 25 at " + JAVA25);
        Map<String, String> j25 = Map.of("JAVA_HOME", JAVA25.toString());
        Path cache = makeCache(j25);
        assertTrue(cache.getFileName().toString().endsWith(".aot"), cache.toString());
        assertSameAsJavaJar(j25);
        Files.write(cache, "not a cache".getBytes(UTF_8));
        assertSameAsJavaJar(j25);
    }

    /** Arrow Java's use of sun.misc.Unsafe makes Java 24+ print four WARNING lines; through the launcher, none. */
    @Test
    void onJava25AnArrowFileIsWrittenWithoutJvmWarnings() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JAVA25.resolve("bin/java")), "no Java 25 at " + JAVA25);
        Path study = tmp.resolve("study");
        Run init = launcher(tmp, Map.of("OPENSAFELY_LSP_CACHE", "off"), "init", study.toString());
        assertEquals(0, init.exit(), init.err());
        Run written = launcher(study, Map.of("JAVA_HOME", JAVA25.toString(), "OPENSAFELY_LSP_CACHE", "off"), "dummy-data",
                "analysis/dataset_definition.py", "--output", "output/dataset.arrow");
        assertEquals(0, written.exit(), written.err());
        assertTrue(Files.size(study.resolve("output/dataset.arrow")) > 0);
        assertTrue(!written.out().contains("WARNING") && !written.err().contains("WARNING"), written.out() + written.err());
    }

    /** The Java a launcher without JAVA_HOME takes: a Java 25+ installed beside the default one, unless told not to. */
    @Test
    void withoutJavaHomeTheNewestInstalledJava25IsTaken() throws Exception {
        Path newest = null;
        int newestMajor = 0;
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.sorted().toList()) {
                int major = releaseMajor(home);
                if (major >= 25 && major > newestMajor && Files.isExecutable(home.resolve("bin/java"))) {
                    newest = home;
                    newestMajor = major;
                }
            }
        } catch (IOException noJvmFolder) {
            // no /usr/lib/jvm: nothing to find
        }
        Assumptions.assumeTrue(newest != null, "no Java 25 or later under /usr/lib/jvm");
        Run found = launcher(tmp, Map.of("JAVA_HOME", ""), "--launcher-info");
        assertEquals(0, found.exit(), found.err());
        assertTrue(found.out().startsWith("java: " + newest.resolve("bin/java") + " ("), found.out());
        assertTrue(found.out().contains("cache: " + tmp.resolve("cache").resolve("java" + newestMajor + "-")), found.out());

        Run pinned = launcher(tmp, Map.of("JAVA_HOME", System.getProperty("java.home")), "--launcher-info");
        assertTrue(pinned.out().startsWith("java: " + Path.of(System.getProperty("java.home"), "bin/java") + " ("), pinned.out());

        Run off = launcher(tmp, Map.of("JAVA_HOME", "", "OPENSAFELY_LSP_JAVA_SEARCH", "off"), "--launcher-info");
        Path onPath = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "java");
            if (Files.isExecutable(candidate)) {
                onPath = candidate;
                break;
            }
        }
        Assumptions.assumeTrue(onPath != null, "no java on PATH");
        assertTrue(off.out().startsWith("java: " + onPath + " ("), "search off keeps the java on PATH (" + onPath + "): " + off.out());
        // The same answers as java -jar through the Java it found.
        Run version = launcher(tmp, Map.of("JAVA_HOME", ""), "--version");
        assertEquals(javaJar(tmp, "--version"), version);
    }

    private static int releaseMajor(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), UTF_8)) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String v = line.substring("JAVA_VERSION=\"".length());
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
                    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            return 0;
        }
        return 0;
    }
}
