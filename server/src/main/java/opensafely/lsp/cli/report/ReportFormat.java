package opensafely.lsp.cli.report;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The output formats of `check --format`. Each writer is created only when chosen, so that the text
 * format never loads Jackson (start-up time matters for a command run on every push).
 */
public enum ReportFormat {
    TEXT(TextReport::new),
    JSON(JsonReport::new),
    GITHUB(GithubReport::new),
    SARIF(SarifReport::new);

    private final Supplier<ReportWriter> writer;

    ReportFormat(Supplier<ReportWriter> writer) {
        this.writer = writer;
    }

    public ReportWriter writer() {
        return writer.get();
    }

    /** The name on the command line: `text`, `json`, `github`, `sarif`. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Accepts exactly the lower-case names, as CONTRACT.md spells them. */
    public static final class Converter implements CommandLine.ITypeConverter<ReportFormat> {
        @Override
        public ReportFormat convert(String value) {
            for (ReportFormat f : values()) {
                if (f.optionName().equals(value)) return f;
            }
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a format; expected one of " + String.join(", ", new Names()));
        }
    }

    /** For picocli's help text (`${COMPLETION-CANDIDATES}`). */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(ReportFormat::optionName).iterator();
        }
    }
}
