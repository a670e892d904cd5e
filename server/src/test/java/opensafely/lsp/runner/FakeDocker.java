package opensafely.lsp.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/** A docker client that records each command line (with the environment it was given) and answers from a script. */
final class FakeDocker implements DockerCli {
    record Call(List<String> args, Map<String, String> env) {
    }

    /** What one command answers: its exit code and the lines it prints. */
    record Answer(int exitCode, List<String> lines) {
        static Answer ok(String... lines) {
            return new Answer(0, List.of(lines));
        }

        static Answer fails(int code, String... lines) {
            return new Answer(code, List.of(lines));
        }
    }

    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Function<List<String>, Answer> script;
    /** When set, `docker wait` blocks until stopped (a job that runs until cancelled), the first time it is called. */
    volatile boolean waitBlocksUntilStopped;

    FakeDocker(Function<List<String>, Answer> script) {
        this.script = script;
    }

    @Override
    public Result run(List<String> args, Map<String, String> env, Duration timeout, Consumer<String> lines, BooleanSupplier stop)
            throws InterruptedException {
        calls.add(new Call(List.copyOf(args), Map.copyOf(env)));
        if (waitBlocksUntilStopped && args.get(0).equals("wait")) {
            waitBlocksUntilStopped = false;
            while (!stop.getAsBoolean()) Thread.onSpinWait();
            return new Result(-1, List.of(), true, false);
        }
        Answer a = script.apply(args);
        a.lines().forEach(lines);
        return new Result(a.exitCode(), a.lines(), false, false);
    }

    List<List<String>> commands() {
        synchronized (calls) {
            return calls.stream().map(Call::args).toList();
        }
    }
}
