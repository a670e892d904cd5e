package opensafely.lsp.ehrql;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.ehrql.EValue.Binding;
import opensafely.lsp.ehrql.EValue.Dataset;
import opensafely.lsp.ehrql.EValue.Measures;
import opensafely.lsp.ehrql.EValue.Origin;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * What can only be judged once the whole file has run: a definition that project.yaml runs with
 * generate-dataset must end with a population; one run with generate-measures must define a measure. A
 * helper module that builds part of a dataset for another file is not run itself, so it is not judged.
 */
final class FileRules {
    private FileRules() {
    }

    /** How project.yaml runs a file: with generate-dataset, generate-measures, both or neither. */
    record Use(boolean dataset, boolean measures, boolean legacy) {
    }

    static Use use(SourceFile file, StudyFolder folder) {
        return use(file.path, folder);
    }

    static Use use(Path path, StudyFolder folder) {
        Use none = new Use(false, false, false);
        if (path == null || folder == null || !folder.known()) return none;
        Optional<String> relative = folder.relativePath(path);
        Optional<Project> project = relative.isEmpty() ? Optional.empty() : ProjectOnDisk.read(folder);
        if (project.isEmpty()) return none;
        String rel = relative.get();
        boolean dataset = false, measures = false, legacy = false;
        for (Action a : project.get().actions()) {
            RunCommand run = a.run();
            if (run == null || !run.parsed() || !(run.image().equals("ehrql") || run.image().equals("databuilder"))) continue;
            // Any mention under the old images mutes the checks (their rules differ); only the definition argument is run,
            // so `--test-data-file analysis/test.py` does not make test.py a dataset definition.
            if ((run.image().equals("databuilder") || String.valueOf(run.tag()).startsWith("v0"))
                    && run.args().stream().anyMatch(w -> names(w.value(), rel))) {
                legacy = true;
            }
            Optional<RunCommand.Word> def = run.definitionArgument();
            if (def.isEmpty() || !names(def.get().value(), rel)) continue;
            String command = run.command().replace('_', '-');
            if (command.equals("generate-dataset")) dataset = true;
            if (command.equals("generate-measures") && run.image().equals("ehrql")) measures = true;
        }
        return new Use(dataset, measures, legacy);
    }

    private static boolean names(String word, String rel) {
        return word.equals(rel) || word.equals("./" + rel);
    }

    /** The files project.yaml runs with generate-dataset or generate-measures (at most 64), inside the study. */
    static java.util.List<Path> runDefinitions(StudyFolder folder) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        if (folder == null || !folder.known()) return out;
        Optional<Path> root = folder.root();
        Optional<Project> project = root.isEmpty() ? Optional.empty() : ProjectOnDisk.read(folder);
        if (project.isEmpty()) return out;
        for (Action a : project.get().actions()) {
            RunCommand run = a.run();
            if (run == null || !run.parsed() || !(run.image().equals("ehrql") || run.image().equals("databuilder"))) continue;
            String command = run.command().replace('_', '-');
            if (!command.equals("generate-dataset") && !command.equals("generate-measures")) continue;
            Optional<RunCommand.Word> def = run.definitionArgument();
            if (def.isEmpty() || !def.get().value().endsWith(".py")) continue;
            Path p = root.get().resolve(def.get().value()).toAbsolutePath().normalize();
            if (p.startsWith(root.get().toAbsolutePath().normalize()) && !out.contains(p) && out.size() < 64) out.add(p);
        }
        return out;
    }

    /** Whether a definition's text imports the module at this path (by its name, as Python would find a sibling). */
    static boolean imports(String definition, Path module) {
        Path name = module.getFileName();
        if (name == null) return false;
        String stem = name.toString().equals("__init__.py") && module.getParent() != null && module.getParent().getFileName() != null
                ? module.getParent().getFileName().toString() : name.toString().replaceFirst("\\.py$", "");
        if (!stem.matches("\\w+")) return false;
        return java.util.regex.Pattern.compile("(?m)^\\s*(from\\s+\\.*([\\w]+\\.)*" + stem + "(\\.[\\w.]+)?\\s+import\\b|import\\s+[\\w., ]*\\b" + stem + "\\b"
                + "|from\\s+\\.*[\\w.]*\\s+import\\s+[\\w, (]*\\b" + stem + "\\b)").matcher(definition).find();
    }

    /** Whether the study's project.yaml names a path (as an output of some action, say). */
    static boolean projectYamlMentions(StudyFolder folder, String path) {
        Optional<Path> root = folder.root();
        if (root.isEmpty()) return false;
        try {
            return folder.readString(root.get().resolve("project.yaml")).orElseThrow(() -> new IOException("project.yaml unreadable")).contains(path);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }


    /** Python that can bind module names the evaluator does not see. */
    private static final java.util.regex.Pattern DYNAMIC_NAMES = java.util.regex.Pattern.compile(
            "\\b(globals|locals|vars|exec|eval|setattr|__import__)\\s*\\(|__dict__|importlib|\\bsys\\.modules");

    static void check(SourceFile file, Map<String, Binding> globals, boolean namesOpen, StudyFolder folder, Use use, Findings out) {
        // ehrQL loads the file and then looks for a module-level `dataset` (generate-dataset) or `measures`
        // (generate-measures); without one, or with one of another kind, the job fails before any query runs.
        // Python stops at the first failure, so this one is said only when nothing before it fails.
        boolean closed = !namesOpen && !DYNAMIC_NAMES.matcher(file.text).find()
                && out.diagnostics().stream().noneMatch(d -> d.severity() == opensafely.lsp.diagnostics.Severity.ERROR);
        if (use.dataset()) definitionVariable(file, globals, closed, "dataset", "generate-dataset", "ehrql.Dataset",
                "dataset = create_dataset()", Dataset.class, out);
        if (use.measures()) definitionVariable(file, globals, closed, "measures", "generate-measures", "ehrql.Measures",
                "measures = create_measures()", Measures.class, out);
        if (use.dataset()) {
            Binding b = globals.get("dataset");
            if (b != null && b.value() instanceof Dataset d && d.populations == 0 && !d.populationMaybe && !d.escaped) {
                Origin at = d.created.file() == file ? d.created : b.defined() != null && b.defined().file() == file ? b.defined() : null;
                if (at != null) {
                    out.report(Rule.EHRQL_MISSING_POPULATION, file, at.start(), at.end(), "This dataset never gets a population: call "
                            + "dataset.define_population(...) with a boolean patient series, e.g. "
                            + "practice_registrations.for_patient_on(\"2024-01-01\").exists_for_patient().");
                }
            }
        }
        if (use.measures()) {
            Binding b = globals.get("measures");
            if (b != null && b.value() instanceof Measures m && m.calls == 0 && !m.escaped) {
                Origin at = m.created.file() == file ? m.created : null;
                if (at != null) {
                    out.report(Rule.EHRQL_MEASURE_ARGUMENT, file, at.start(), at.end(), "generate-measures needs at least one measure: "
                            + "call measures.define_measure(name=..., numerator=..., denominator=..., intervals=...).");
                }
            }
        }
    }

    private static void definitionVariable(SourceFile file, Map<String, Binding> globals, boolean closed, String name, String command,
            String kind, String example, Class<? extends EValue> expected, Findings out) {
        Binding b = globals.get(name);
        if (b == null) {
            // Bindings the evaluator does not follow (a walrus, `global` in a function...) all spell the name out.
            if (!closed || java.util.regex.Pattern.compile("(?<![.\\w])" + name + "\\b").matcher(file.text).find()) return;
            int end = file.text.indexOf('\n');
            end = end < 0 ? file.text.length() : end;
            if (end > 0 && file.text.charAt(end - 1) == '\r') end--;
            out.report(Rule.EHRQL_MISSING_DEFINITION, file, 0, file.text.codePointCount(0, end), "project.yaml runs this file with "
                    + command + ", which fails: it does not define a module-level variable called '" + name + "'. Import from ehrql "
                    + "and add `" + example + "`.");
            return;
        }
        if (b.defined() == null || b.defined().file() != file || !knownNotA(b.value(), expected)) return;
        out.report(Rule.EHRQL_MISSING_DEFINITION, file, b.defined().start(), b.defined().end(), "project.yaml runs this file with "
                + command + ", which fails: '" + name + "' must be an instance of " + kind + ", not " + Descriptions.describe(b.value())
                + ". Set it with `" + example + "`.");
    }

    /** A value the evaluator knows is not of the expected kind (never an unknown or a value a call might have made). */
    private static boolean knownNotA(EValue v, Class<? extends EValue> expected) {
        if (expected.isInstance(v)) return false;
        return v instanceof EValue.Lit || v instanceof EValue.ListLit || v instanceof EValue.DictLit || v instanceof EValue.Series
                || v instanceof EValue.Frame || v instanceof EValue.Codelist || v instanceof EValue.Code || v instanceof EValue.Duration
                || v instanceof Dataset || v instanceof Measures || v instanceof EValue.When || v instanceof EValue.PlainObject;
    }
}
