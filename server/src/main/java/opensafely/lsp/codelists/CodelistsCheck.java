package opensafely.lsp.codelists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local part of {@code opensafely codelists check}: codelists.txt, codelists.json and the CSV files agree,
 * so the study reads exactly the codelists it names. Each problem is a sentence; an empty list means OK.
 */
public final class CodelistsCheck {
    private CodelistsCheck() {
    }

    /** What was found in a study's codelists folder. {@code nothingToCheck} when there is no such folder. */
    public record Result(boolean nothingToCheck, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Result run(Path codelistsDir) throws IOException {
        if (!Files.isDirectory(codelistsDir)) return new Result(true, List.of());
        Path txt = codelistsDir.resolve(CodelistsTxt.FILE);
        if (!Files.isRegularFile(txt)) return new Result(false, List.of("There is no codelists/" + CodelistsTxt.FILE + "."));
        CodelistsTxt spec = CodelistsTxt.parse(Files.readString(txt, StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();
        for (CodelistsTxt.Problem p : spec.problems()) {
            problems.add("codelists/" + CodelistsTxt.FILE + " line " + (p.line() + 1) + ": " + p.message());
        }
        if (!problems.isEmpty()) return new Result(false, problems);

        Path json = codelistsDir.resolve(Manifest.FILE);
        if (!Files.isRegularFile(json)) {
            return new Result(false, List.of("There is no codelists/" + Manifest.FILE + ": run `codelists update` to download the codelists."));
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(Files.readString(json, StandardCharsets.UTF_8));
        } catch (Manifest.Invalid e) {
            return new Result(false, List.of("codelists/" + Manifest.FILE + " is not a valid manifest: " + e.getMessage()
                    + ". It is generated; run `codelists update` to write it again."));
        }

        Set<String> listed = spec.codelists().stream().map(CodelistLine::id).collect(Collectors.toCollection(TreeSet::new));
        Set<String> recorded = manifest.files().values().stream().map(Manifest.Entry::id).collect(Collectors.toCollection(TreeSet::new));
        differences("codelists.txt has been edited since the codelists were downloaded", listed, recorded, problems);

        Set<String> csvs;
        try (Stream<Path> files = Files.list(codelistsDir)) {
            csvs = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        differences("CSV files have been added to or deleted from codelists/ since the last update",
                csvs, new TreeSet<>(manifest.files().keySet()), problems);

        List<String> modified = new ArrayList<>();
        for (var e : manifest.files().entrySet()) {
            Path csv = codelistsDir.resolve(e.getKey());
            if (Files.isRegularFile(csv) && !CsvDigest.sha1(Files.readAllBytes(csv)).equals(e.getValue().sha())) {
                modified.add("codelists/" + e.getKey());
            }
        }
        if (!modified.isEmpty()) {
            problems.add("These CSV files were changed after they were downloaded: " + String.join(", ", modified) + ".");
        }
        return new Result(false, problems);
    }

    private static void differences(String what, Set<String> now, Set<String> manifest, List<String> problems) {
        List<String> lines = new ArrayList<>();
        now.stream().filter(id -> !manifest.contains(id)).forEach(id -> lines.add("added: " + id));
        manifest.stream().filter(id -> !now.contains(id)).forEach(id -> lines.add("removed: " + id));
        if (!lines.isEmpty()) problems.add(what + " (" + String.join("; ", lines) + ").");
    }
}
