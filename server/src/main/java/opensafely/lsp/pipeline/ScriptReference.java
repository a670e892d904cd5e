package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The files a run command reads from the study folder, found from what each image runs: a Python, R or
 * Stata script, a notebook, an SQL file, or an ehrQL / cohort-extractor definition.
 *
 * @param path the path relative to the study folder
 * @param word the word of the run command that names it (its range is where a problem is shown)
 */
public record ScriptReference(String path, RunCommand.Word word) {
    private static final Set<String> EHRQL_DEFINITION_COMMANDS = Set.of(
            "generate-dataset", "generate_dataset", "generate-measures", "generate_measures", "assure",
            "create-dummy-tables", "dump-dataset-sql", "graph-query", "test-connection-dataset");

    public static List<ScriptReference> of(RunCommand run) {
        List<ScriptReference> out = new ArrayList<>();
        if (run == null || !run.parsed() || run.words().isEmpty()) return out;
        String image = run.image();
        List<RunCommand.Word> args = run.args();
        switch (image) {
            case "python" -> firstWithSuffix(args, out, ".py");
            case "r" -> firstWithSuffix(args, out, ".r");
            case "stata-mp" -> firstWithSuffix(args, out, ".do");
            case "sqlrunner" -> firstWithSuffix(args, out, ".sql");
            case "jupyter" -> {
                for (RunCommand.Word w : args) {
                    if (w.value().endsWith(".ipynb") && plainPath(w.value())) out.add(new ScriptReference(w.value(), w));
                }
            }
            case "ehrql", "databuilder" -> {
                if (!args.isEmpty() && EHRQL_DEFINITION_COMMANDS.contains(args.get(0).value())) {
                    for (int i = 1; i < args.size(); i++) {
                        String v = args.get(i).value();
                        if (v.startsWith("-")) break; // options come after the definition
                        if (v.endsWith(".py") && plainPath(v)) {
                            out.add(new ScriptReference(v, args.get(i)));
                            break;
                        }
                    }
                }
            }
            case "cohortextractor" -> run.option("--study-definition").ifPresent(w -> {
                if (!w.value().isEmpty() && plainPath(w.value())) {
                    out.add(new ScriptReference("analysis/" + w.value() + ".py", w));
                }
            });
            default -> {
            }
        }
        return out;
    }

    private static void firstWithSuffix(List<RunCommand.Word> args, List<ScriptReference> out, String suffix) {
        for (RunCommand.Word w : args) {
            String v = w.value();
            if (endsWithLowerCased(v, suffix) && !v.startsWith("-")) {
                if (plainPath(v)) out.add(new ScriptReference(v, w));
                return;
            }
        }
    }

    /**
     * {@code v.toLowerCase(Locale.ROOT).endsWith(suffix)} for a lower-case ASCII suffix, without copying every
     * argument of every action on every edit. An ASCII tail lower-cases on its own; anything else takes
     * the general route, since lower-casing some characters changes the length.
     */
    private static boolean endsWithLowerCased(String v, String suffix) {
        int start = v.length() - suffix.length();
        if (start < 0) return v.toLowerCase(Locale.ROOT).endsWith(suffix);
        for (int i = 0; i < suffix.length(); i++) {
            char c = v.charAt(start + i);
            if (c >= 0x80) return v.toLowerCase(Locale.ROOT).endsWith(suffix);
            if (c >= 'A' && c <= 'Z') c = (char) (c + ('a' - 'A'));
            if (c != suffix.charAt(i)) return false;
        }
        return true;
    }

    /** Paths with shell expansions, globs or absolute roots are not ours to judge. */
    private static boolean plainPath(String v) {
        return !v.isEmpty() && !v.startsWith("/") && !v.contains("$") && !v.contains("*") && !v.contains("~")
                && !v.contains("=");
    }
}
