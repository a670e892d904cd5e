package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `java -jar opensafely-lsp.jar run` as a researcher or CI runs it: the shaded jar, the local executor, Ctrl-C. */
class RunE2ETest {
    @TempDir
    Path tmp;

    private List<String> command(String... args) {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        c.addAll(List.of(args));
        return c;
    }

    private Path copyExample() throws Exception {
        Path example = Path.of(System.getProperty("repo.dir", ".."), "examples", "clean-study");
        Path study = tmp.resolve("study");
        try (Stream<Path> s = Files.walk(example)) {
            for (Path p : s.toList()) {
                Path to = study.resolve(example.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        return study;
    }

    @Test
    void runAllOnTheExampleStudy() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && Files.isExecutable(Path.of("/usr/bin/Rscript")),
                "needs Debian's python3 (pandas, matplotlib) and Rscript");
        Path study = copyExample();
        Process p = new ProcessBuilder(command("run", "run_all", "--executor", "local", "--python", "/usr/bin/python3", "--timestamps"))
                .directory(study.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "run did not finish");
        String out = Files.readString(tmp.resolve("out.txt"), UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("(?s)Executor: local .*\n\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z Running actions: .*"), out);
        assertTrue(Files.isRegularFile(study.resolve("output/patients_by_sex.csv")));
        assertTrue(Files.isRegularFile(study.resolve("output/asthma_by_age_band.png")));
    }

    /** Ctrl-C while a job runs: the job and its children stop, the study is as it was, exit 1. */
    @Test
    void ctrlCCancels() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3");
        Path study = tmp.resolve("slow");
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), """
                version: 5
                actions:
                  slow:
                    run: python:v2 python analysis/slow.py
                    outputs:
                      moderately_sensitive:
                        table: output/table.csv
                """);
        Files.writeString(study.resolve("analysis/slow.py"), """
                import os, subprocess, time
                os.makedirs('output', exist_ok=True)
                open('output/table.csv', 'w').write('partial\\n')
                child = subprocess.Popen(['sleep', '120'])
                print('child', child.pid, flush=True)
                time.sleep(120)
                """);
        Map<String, String> before = files(study);
        Process p = new ProcessBuilder(command("run", "slow", "--executor", "local", "--python", "/usr/bin/python3"))
                .directory(study.toFile()).redirectErrorStream(true).start();
        long child = -1;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("slow: child ")) {
                    child = Long.parseLong(line.substring("slow: child ".length()));
                    new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("slow: Cancelled by user\n"), seen.toString());
        assertTrue(child > 0, seen.toString());
        ProcessHandle.of(child).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertEquals(before, files(study), "no partial output in the study");
        assertFalse(Files.exists(study.resolve("metadata/volumes")));
    }

    private static Map<String, String> files(Path study) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(study)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String rel = study.relativize(f).toString();
                if (!rel.startsWith("metadata")) out.put(rel, Files.readString(f));
            }
        }
        return out;
    }
}
