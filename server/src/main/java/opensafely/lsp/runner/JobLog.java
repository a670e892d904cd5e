package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import opensafely.lsp.workspace.AtomicWrite;

/**
 * One job's output, kept for {@code metadata/<action>.log} in the layout of tooling spec §2.7: each line prefixed
 * with its UTC time as Docker writes it (RFC 3339 with nanoseconds: the first 31 characters and a space), at most
 * the last {@value #MAX_LINES} lines; then a blank line, {@code key: value} lines, and the outputs. Bounded: a job
 * that prints without end keeps only its last lines, and an endless line is cut.
 */
public final class JobLog {
    public static final int MAX_LINES = 100_000;
    public static final int MAX_LINE_CHARS = 8_192;
    public static final int TAIL_LINES = 32;
    private static final DateTimeFormatter DOCKER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final Deque<String> lines = new ArrayDeque<>();

    public JobLog(Clock clock) {
        this.clock = clock;
    }

    /** Adds a line the job printed; returns it as stored, with its time. */
    public synchronized String add(String line) {
        String cut = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
        String stamped = timestamp(clock.instant()) + " " + cut;
        lines.addLast(stamped);
        if (lines.size() > MAX_LINES) lines.removeFirst();
        return stamped;
    }

    static String timestamp(Instant t) {
        return DOCKER_TIME.format(t);
    }

    /** The last {@value #TAIL_LINES} lines without their times, for the summary's "logs (truncated)". */
    public synchronized List<String> tail() {
        List<String> all = new ArrayList<>(lines);
        List<String> out = new ArrayList<>();
        for (String l : all.subList(Math.max(0, all.size() - TAIL_LINES), all.size())) out.add(withoutTime(l));
        return out;
    }

    /** Every line without its time (for the missing-needs hint, which looks for paths the job failed to read). */
    public synchronized List<String> text() {
        return lines.stream().map(JobLog::withoutTime).toList();
    }

    private static String withoutTime(String l) {
        return l.length() > 31 ? l.substring(31) : "";
    }

    /**
     * Writes the log and its trailer to {@code target}, atomically.
     *
     * @param keys      {@code key: value} lines in order; empty values are left out
     * @param outputs   path → privacy level
     * @param invalid   moderately_sensitive path → why it would not be released
     */
    public void write(Path target, Map<String, String> keys, Map<String, String> outputs, Map<String, String> invalid) throws IOException {
        StringBuilder sb = new StringBuilder();
        synchronized (this) {
            for (String l : lines) sb.append(l).append('\n');
        }
        sb.append('\n');
        keys.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) sb.append(k).append(": ").append(v).append('\n');
        });
        sb.append("\noutputs:\n");
        outputs.forEach((p, level) -> sb.append("  ").append(p).append("  - ").append(level).append('\n'));
        if (!invalid.isEmpty()) {
            sb.append("\nInvalid moderately_sensitive outputs:\n");
            invalid.forEach((p, why) -> sb.append("  ").append(p).append("  - ").append(why).append('\n'));
        }
        Files.createDirectories(target.getParent());
        AtomicWrite.write(target, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
