package opensafely.lsp.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the benchmark harness; bench/run.sh calls its subcommands in order.
 *
 * <pre>
 *   corpus   CORPUS_DIR STUDY_DIR                  lay out a corpus repository as a study folder
 *   generate N STUDY_DIR                           write an N-action study
 *   generate-study LINES STUDY_DIR                 write a study definition of LINES lines with two helper modules
 *   generate-dataset LINES STUDY_DIR               write an ehrQL dataset definition of LINES lines with two helper modules
 *   time     RUNS WARMUP OUT.json -- COMMAND...    time whole processes (when hyperfine is missing)
 *   check-row INPUT FLAGS OUT.json LOAD            one markdown row from a hyperfine JSON export
 *   lsp      --input NAME --jar JAR --study DIR [--file project.yaml] [--sessions 3] [--edits 200]
 *            [--warmup-edits 20] [--requests 200] [--warmup-requests 20] [--debounce-ms 200]
 *            [--java java] [--jvm-flags "..."] [--log FILE]
 *   latency  --input NAME --jar JAR --study DIR [--file project.yaml] [--sessions 3] [--edits 200]
 *            [--warmup-edits 40] [--target-ms 100] [--java java] [--jvm-flags "..."] [--log FILE]
 * </pre>
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) usage();
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "corpus" -> CorpusStudy.layOut(Path.of(rest[0]), Path.of(rest[1]));
            case "generate" -> GeneratedStudy.write(Integer.parseInt(rest[0]), Path.of(rest[1]));
            case "generate-study" -> GeneratedStudyDefinition.write(Integer.parseInt(rest[0]), Path.of(rest[1]));
            case "generate-dataset" -> GeneratedDatasetDefinition.write(Integer.parseInt(rest[0]), Path.of(rest[1]));
            case "time" -> {
                int sep = Arrays.asList(rest).indexOf("--");
                if (sep != 3) usage();
                CheckTiming.time(Integer.parseInt(rest[0]), Integer.parseInt(rest[1]), Path.of(rest[2]),
                        List.of(Arrays.copyOfRange(rest, 4, rest.length)));
            }
            case "check-row" -> System.out.println(CheckTiming.row(rest[0], rest[1], Path.of(rest[2]), rest[3], 300));
            case "lsp" -> lsp(options(rest));
            case "latency" -> latency(options(rest));
            default -> usage();
        }
        System.exit(0); // LSP4J's listener threads are not daemons
    }

    private static void lsp(Map<String, String> a) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String f : a.getOrDefault("jvm-flags", "").trim().split("\\s+")) {
            if (!f.isEmpty()) flags.add(f);
        }
        var options = new LspSession.Options(
                a.getOrDefault("java", "java"), flags, Path.of(required(a, "jar")), Path.of(required(a, "study")),
                a.getOrDefault("file", "project.yaml"),
                Integer.parseInt(a.getOrDefault("edits", "200")), Integer.parseInt(a.getOrDefault("warmup-edits", "20")),
                Integer.parseInt(a.getOrDefault("requests", "200")), Integer.parseInt(a.getOrDefault("warmup-requests", "20")),
                Path.of(a.getOrDefault("log", "/dev/null")));
        LspBench.run(required(a, "input"), options, Integer.parseInt(a.getOrDefault("sessions", "3")),
                Long.parseLong(a.getOrDefault("debounce-ms", "200")));
    }

    private static void latency(Map<String, String> a) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String f : a.getOrDefault("jvm-flags", "").trim().split("\\s+")) {
            if (!f.isEmpty()) flags.add(f);
        }
        var options = new LspSession.Options(
                a.getOrDefault("java", "java"), flags, Path.of(required(a, "jar")), Path.of(required(a, "study")),
                a.getOrDefault("file", "project.yaml"),
                Integer.parseInt(a.getOrDefault("edits", "200")), Integer.parseInt(a.getOrDefault("warmup-edits", "40")),
                0, 0, Path.of(a.getOrDefault("log", "/dev/null")));
        LspBench.latency(required(a, "input"), options, Integer.parseInt(a.getOrDefault("sessions", "3")),
                Integer.parseInt(a.getOrDefault("target-ms", "100")));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) usage();
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            System.err.println("missing --" + key);
            usage();
        }
        return v;
    }

    private static void usage() {
        System.err.println("usage: see the class comment of opensafely.lsp.bench.Bench, or bench/README.md");
        System.exit(2);
    }
}
