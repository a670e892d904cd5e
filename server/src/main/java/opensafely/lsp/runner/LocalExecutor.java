package opensafely.lsp.runner;

import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs jobs on this machine without Docker: {@code python:*} with the host's Python ({@code --python}), {@code r:*}
 * with {@code Rscript}, {@code stata-mp:*} with {@code stata-mp}, the database actions in-process
 * ({@link DatabaseActions}). What needs OpenSAFELY's images (reusable actions, jupyter, sqlrunner, a missing
 * interpreter) it refuses in one line that says so, before the job's workspace is made.
 *
 * <p>The job is the process and all it starts: cancel stops the whole tree, so nothing keeps writing into the
 * workspace after the job is reported cancelled.
 */
public final class LocalExecutor implements Executor {
    /** Host variables a local interpreter needs to find itself and its packages; nothing else of the host leaks in. */
    static final List<String> PASSED_THROUGH = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
            "TEMP", "TMP", "SYSTEMROOT", "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "CONDA_PREFIX", "R_HOME", "R_LIBS", "R_LIBS_USER",
            "R_LIBS_SITE");

    private final String python;
    private final Map<String, String> host;
    private final DatabaseActions database;

    /**
     * @param python the Python to run {@code python:*} actions with: a path, or a name looked up on PATH
     * @param host   this process's environment (System.getenv())
     */
    public LocalExecutor(String python, Map<String, String> host, Clock clock) {
        this.python = python;
        this.host = Map.copyOf(host);
        this.database = new DatabaseActions(clock);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Optional<String> cannotRun(JobCommand c) {
        String docker = "; run it with --executor docker";
        if (DatabaseActions.handles(c)) return Optional.empty();
        if (DatabaseActions.databaseImage(c.image())) {
            return Optional.of("`" + c.image() + " " + c.command() + "` needs the " + c.image() + " image: the local executor makes dummy data only"
                    + " for generate-dataset, generate-measures (ehrQL) and generate_cohort" + docker);
        }
        if (!DockerImage.allowed(c.image())) {
            return Optional.of("'" + c.image() + "' is a reusable action, which runs from its own repository in OpenSAFELY's images" + docker);
        }
        return switch (c.image()) {
            case "python" -> missing(python, "Python (--python " + python + ")", docker);
            case "r" -> missing("Rscript", "R (Rscript)", docker);
            case "stata-mp" -> missing("stata-mp", "Stata (stata-mp)", docker);
            default -> Optional.of(c.image() + " actions need OpenSAFELY's " + c.image() + " image" + docker);
        };
    }

    private Optional<String> missing(String program, String what, String docker) {
        return which(program).isPresent() ? Optional.empty() : Optional.of(what + " was not found on this machine" + docker);
    }

    /** The program as a path, or looked up on PATH as a shell would; empty when it is not there or not executable. */
    Optional<Path> which(String program) {
        if (program.contains("/") || program.contains(File.separator)) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : host.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The process to start: the image's interpreter in place of (or in front of) the first word, then {@code --config}. */
    List<String> commandLine(JobCommand c) {
        // The words the container would get (run words, then --config as opensafely run appends it), after the interpreter.
        List<String> args = new ArrayList<>(ContainerArgs.of(c));
        List<String> out = new ArrayList<>();
        switch (c.image()) {
            case "python" -> {
                out.add(python);
                if (!args.isEmpty() && (args.get(0).equals("python") || args.get(0).equals("python3"))) args.remove(0);
            }
            case "r" -> {
                out.add("Rscript");
                if (!args.isEmpty() && args.get(0).equals("Rscript")) args.remove(0);
            }
            case "stata-mp" -> {
                out.addAll(List.of("stata-mp", "-q", "-b", "do"));
                if (!args.isEmpty() && args.get(0).equals("stata-mp")) args.remove(0);
            }
            default -> throw new IllegalArgumentException("not a local image: " + c.image());
        }
        out.addAll(args);
        return out;
    }

    @Override
    public int run(JobCommand c, Path workspace, Map<String, String> env, Consumer<String> log, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        if (DatabaseActions.handles(c)) return database.run(c, workspace, log, cancelled);
        ProcessBuilder pb = new ProcessBuilder(commandLine(c)).directory(workspace.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.clear();
        for (String k : PASSED_THROUGH) {
            if (host.containsKey(k)) e.put(k, host.get(k));
        }
        // Bytecode caches would be files the job wrote: listed as discarded outputs for nothing.
        e.put("PYTHONDONTWRITEBYTECODE", "1");
        e.putAll(env);
        Process p = pb.start();
        p.getOutputStream().close(); // no input: a script that asks for some gets end-of-file, not a hang
        Thread reader = new Thread(() -> readLines(p, log), "job-log-" + c.jobId());
        reader.setDaemon(true);
        reader.start();
        while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
            if (cancelled.getAsBoolean()) {
                stopTree(p);
                break;
            }
        }
        int exit = p.waitFor();
        // A background process the script left may hold the pipe open: stop waiting for its lines after a while.
        reader.join(5_000);
        if (reader.isAlive()) p.getInputStream().close();
        return exit;
    }

    /** Stops the process and everything it started, children first known before the parent goes (they would be re-parented). */
    static void stopTree(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** Lines of the merged output; an endless line is passed on in pieces, so memory stays bounded. */
    private static void readLines(Process p, Consumer<String> log) {
        try (Reader r = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = r.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    char ch = buf[i];
                    if (ch == '\n') {
                        int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                        log.accept(line.substring(0, end));
                        line.setLength(0);
                    } else {
                        line.append(ch);
                        if (line.length() >= JobLog.MAX_LINE_CHARS) {
                            log.accept(line.toString());
                            line.setLength(0);
                        }
                    }
                }
            }
            if (line.length() > 0) log.accept(line.toString());
        } catch (IOException e) {
            // the stream was closed after the job ended
        }
    }
}
