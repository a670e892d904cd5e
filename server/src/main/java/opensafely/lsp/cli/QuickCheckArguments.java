package opensafely.lsp.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import opensafely.lsp.cli.report.ReportFormat;

/**
 * `check`'s arguments in the forms CI and the README use, read without picocli. picocli's classes are Java 5
 * bytecode: the old verifier checks them on every start and no class-data archive (CDS, Java 25's AOT cache)
 * can hold them, so building its model costs a cold JVM 100–150 ms, as much as checking a typical project.yaml
 * (issue #15). Only plain forms are taken: {@code check} then paths, {@code --format F}, {@code --output FILE}
 * and {@code --fail-on L}, each at most once, with the value after a blank or {@code =}. Anything else (help,
 * {@code --}, an {@code @file}, a repeated or unknown option, a value that is not one of the names) is left to
 * picocli, which reads it as before and says what is wrong. {@code QuickCheckArgumentsTest} holds the two
 * readings equal.
 */
final class QuickCheckArguments {
    private QuickCheckArguments() {
    }

    /** The `check` command {@code args} ask for, or empty where picocli must read them. */
    static Optional<CheckCommand> parse(String... args) {
        if (args.length == 0 || !args[0].equals("check")) return Optional.empty();
        CheckCommand check = new CheckCommand();
        boolean format = false;
        boolean output = false;
        boolean failOn = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.isEmpty() || arg.startsWith("@")) return Optional.empty();
            if (!arg.startsWith("-")) {
                check.paths.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            // A value that looks like an option or an @file is picocli's to judge; `-` alone is standard output.
            if (value.isEmpty() || value.startsWith("@") || (value.startsWith("-") && !value.equals("-"))) return Optional.empty();
            switch (name) {
                case "--format" -> {
                    ReportFormat f = format(value);
                    if (format || f == null) return Optional.empty();
                    check.format = f;
                    format = true;
                }
                case "--fail-on" -> {
                    FailOn f = failOn(value);
                    if (failOn || f == null) return Optional.empty();
                    check.failOn = f;
                    failOn = true;
                }
                case "--output" -> {
                    if (output) return Optional.empty();
                    try {
                        check.output = Path.of(value);
                    } catch (InvalidPathException e) {
                        return Optional.empty();
                    }
                    output = true;
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(check);
    }

    // Plain loops, not streams or method references: each lambda's first use costs a cold JVM a bootstrap.
    private static ReportFormat format(String value) {
        for (ReportFormat f : ReportFormat.values()) {
            if (f.optionName().equals(value)) return f;
        }
        return null;
    }

    private static FailOn failOn(String value) {
        for (FailOn f : FailOn.values()) {
            if (f.optionName().equals(value)) return f;
        }
        return null;
    }
}
