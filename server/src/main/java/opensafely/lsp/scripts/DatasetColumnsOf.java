package opensafely.lsp.scripts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.ehrql.DatasetColumns;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.pipeline.ScriptActions;
import opensafely.lsp.study.StudyColumns;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The columns of a file a definition makes: the dataset of an ehrQL {@code generate-dataset} (when the file is its
 * {@code --output}) or the table of a cohort-extractor {@code generate_cohort}; known only when every column is.
 * Measures and anything else: unknown.
 */
final class DatasetColumnsOf {
    /** One column and where its name is defined (file null for patient_id). */
    record Column(String name, Path file, Range range) {
    }

    /** The columns, the definition that makes them and the action that runs it. */
    record Table(List<Column> columns, String definition, String action) {
        Set<String> names() {
            Set<String> out = new LinkedHashSet<>();
            for (Column c : columns) out.add(c.name());
            return out;
        }
    }

    private record Key(Path path, String text) {
    }

    private static final Map<Key, Optional<List<Column>>> LAST = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Optional<List<Column>>> eldest) {
            return size() > 8;
        }
    };

    private DatasetColumnsOf() {
    }

    static Optional<Table> of(Project project, StudyFolder folder, String file) {
        // ehrQL writes its dataset to --output, whatever the patterns say (a mismatch is generate-dataset-output-mismatch).
        Action a = datasetWriting(project, file);
        boolean ehrql = a != null;
        if (a == null) {
            Set<Action> actions = new LinkedHashSet<>();
            for (ScriptActions.Made m : ScriptActions.producers(project, file)) actions.add(m.action());
            if (actions.size() != 1) return Optional.empty();
            a = actions.iterator().next();
        }
        RunCommand run = a.run();
        if (run == null || !run.parsed()) return Optional.empty();
        String definition;
        if (ehrql) {
            definition = run.definitionArgument().map(RunCommand.Word::value).orElse(null);
        } else if (run.image().equals("cohortextractor") && run.command().equals("generate_cohort")) {
            definition = run.option("--study-definition").map(w -> "analysis/" + w.value() + ".py").orElse("analysis/study_definition.py");
        } else {
            return Optional.empty();
        }
        if (definition == null) return Optional.empty();
        String def = definition.startsWith("./") ? definition.substring(2) : definition;
        Optional<Path> path = folder.resolve(def);
        Optional<String> text = folder.readString(def);
        if (path.isEmpty() || text.isEmpty()) return Optional.empty();
        Optional<List<Column>> columns = columns(new Document(path.get(), text.get(), 0, folder), ehrql);
        String name = a.name();
        return columns.map(c -> new Table(c, def, name));
    }

    /** The ehrQL generate-dataset action whose --output is this file, if one is. */
    static Action datasetWriting(Project project, String file) {
        for (Action a : project.actions()) {
            RunCommand run = a.run();
            if (a.name() == null || run == null || !run.parsed() || !(run.image().equals("ehrql") || run.image().equals("databuilder"))
                    || !run.command().equals("generate-dataset")) continue;
            Optional<String> out = run.option("--output").map(RunCommand.Word::value).map(v -> v.startsWith("./") ? v.substring(2) : v);
            if (out.isPresent() && out.get().equals(file)) return a;
        }
        return null;
    }

    private static Optional<List<Column>> columns(Document doc, boolean ehrql) {
        Key key = new Key(doc.path(), doc.text());
        synchronized (LAST) {
            Optional<List<Column>> c = LAST.get(key);
            if (c != null) return c;
        }
        Optional<List<Column>> c;
        try {
            c = ehrql ? DatasetColumns.of(doc).map(l -> l.stream().map(x -> new Column(x.name(), x.file(), x.range())).toList())
                    : StudyColumns.of(doc).map(l -> l.stream().map(x -> new Column(x.name(), x.file(), x.range())).toList());
        } catch (RuntimeException | StackOverflowError e) {
            c = Optional.empty(); // a definition the evaluation trips over: its columns are unknown
        }
        synchronized (LAST) {
            LAST.put(key, c);
        }
        return c;
    }

    /** The first few names, for a message. */
    static String sample(Table t) {
        List<String> names = new ArrayList<>(t.names());
        String shown = String.join(", ", names.subList(0, Math.min(12, names.size())));
        return names.size() > 12 ? shown + ", ... (" + names.size() + " columns)" : shown;
    }
}
