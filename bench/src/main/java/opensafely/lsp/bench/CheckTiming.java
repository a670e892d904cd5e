package opensafely.lsp.bench;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Wall time of whole `check` processes (JVM start-up included). hyperfine does the timing when it is
 * installed; {@link #time} is the fallback with the same JSON shape, so {@link #row} reads either.
 */
final class CheckTiming {
    private CheckTiming() {
    }

    /** Runs the command `warmup` times untimed, then `runs` times timed, and writes hyperfine-style JSON. */
    static void time(int runs, int warmup, Path json, List<String> command) throws IOException, InterruptedException {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(new File("/dev/null"));
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.waitFor();
            long t1 = System.nanoTime();
            if (i >= warmup) seconds.add((t1 - t0) / 1e9);
        }
        JsonObject result = new JsonObject();
        result.addProperty("command", String.join(" ", command));
        JsonArray times = new JsonArray();
        seconds.forEach(times::add);
        result.add("times", times);
        JsonArray results = new JsonArray();
        results.add(result);
        JsonObject root = new JsonObject();
        root.add("results", results);
        Files.writeString(json, new Gson().toJson(root), StandardCharsets.UTF_8);
    }

    /** One markdown table row from a hyperfine JSON export. */
    static String row(String input, String flags, Path json, String load, double targetMs) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject result = root.getAsJsonArray("results").get(0).getAsJsonObject();
        List<Double> ms = new ArrayList<>();
        for (JsonElement t : result.getAsJsonArray("times")) ms.add(t.getAsDouble() * 1000);
        Stats s = Stats.of(ms);
        String verdict = s.p95() <= targetMs ? "yes" : s.median() <= targetMs ? "median only" : "no";
        return "| " + input + " | `" + flags + "` | " + s.n() + " | " + Stats.ms(s.median()) + " | " + Stats.ms(s.p95())
                + " | " + Stats.ms(s.min()) + "–" + Stats.ms(s.max()) + " | " + Stats.ms(s.stddev()) + " | " + load
                + " | " + verdict + " |";
    }
}
