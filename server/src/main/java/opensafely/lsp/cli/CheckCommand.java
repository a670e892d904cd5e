package opensafely.lsp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** `check [PATH...]`: the same analysis as the editor, for CI. (Formats are being written.) */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Analyse study folders or files.")
public final class CheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
