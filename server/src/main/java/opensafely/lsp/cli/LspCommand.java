package opensafely.lsp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** `lsp [--port N]`: the language server on stdio, or on TCP 127.0.0.1:N. (Being written.) */
@Command(name = "lsp", mixinStandardHelpOptions = true, description = "Run the language server (stdio, or TCP with --port).")
public final class LspCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
