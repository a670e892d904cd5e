package opensafely.lsp.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import opensafely.lsp.cli.report.CheckReport;
import opensafely.lsp.diagnostics.Severity;
import picocli.CommandLine;

/** `check --fail-on`: the least severe finding that makes the exit code 1. */
enum FailOn {
    ERROR, WARNING, NEVER;

    /** 1 when a finding is at or above the threshold, else 0 (CONTRACT.md, exit codes). */
    int exitCode(CheckReport report) {
        return switch (this) {
            case ERROR -> report.hasAtLeast(Severity.ERROR) ? 1 : 0;
            case WARNING -> report.hasAtLeast(Severity.WARNING) ? 1 : 0;
            case NEVER -> 0;
        };
    }

    String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static final class Converter implements CommandLine.ITypeConverter<FailOn> {
        @Override
        public FailOn convert(String value) {
            for (FailOn f : values()) {
                if (f.optionName().equals(value)) return f;
            }
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a threshold; expected one of " + String.join(", ", new Names()));
        }
    }

    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(FailOn::optionName).iterator();
        }
    }
}
