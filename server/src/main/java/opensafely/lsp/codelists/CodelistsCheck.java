package opensafely.lsp.codelists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import opensafely.lsp.workspace.Excerpt;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The local part of {@code opensafely codelists check}: codelists.txt, codelists.json and the CSV files agree,
 * so the study reads exactly the codelists it names. Each problem is a sentence; an empty list means OK.
 */
public final class CodelistsCheck {
    private CodelistsCheck() {
    }

    /**
     * What was found in a study's codelists folder. {@code nothingToCheck} when there is no such folder;
     * {@code codelistsTxt} and {@code manifestJson} the texts read (for the upstream check), null when absent.
     */
    public record Result(boolean nothingToCheck, List<String> problems, String codelistsTxt, String manifestJson) {
        public Result(boolean nothingToCheck, List<String> problems) {
            this(nothingToCheck, problems, null, null);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Result run(Path codelistsDir) throws IOException {
        if (!Files.isDirectory(codelistsDir)) return new Result(true, List.of());
        StudyFolder study = StudyFolder.at(codelistsDir.toAbsolutePath().normalize().getParent());
        Path txt = codelistsDir.resolve(CodelistsTxt.FILE);
        Optional<String> problem = unreadable(study, txt, "codelists/" + CodelistsTxt.FILE);
        if (problem.isPresent()) return new Result(false, List.of(problem.get()));
        String txtText = study.readString(txt).orElseThrow(() -> new IOException("cannot read codelists/" + CodelistsTxt.FILE));
        CodelistsTxt spec = CodelistsTxt.parse(txtText);
        List<String> problems = new ArrayList<>();
        for (CodelistsTxt.Problem p : spec.problems()) {
            problems.add("codelists/" + CodelistsTxt.FILE + " line " + (p.line() + 1) + ": " + p.message());
        }
        if (!problems.isEmpty()) return new Result(false, problems);

        Path json = codelistsDir.resolve(Manifest.FILE);
        if (study.access(json) == StudyFolder.Access.MISSING) {
            return new Result(false, List.of("There is no codelists/" + Manifest.FILE + ": run `codelists update` to download the codelists."));
        }
        problem = unreadable(study, json, "codelists/" + Manifest.FILE);
        if (problem.isPresent()) return new Result(false, List.of(problem.get()));
        String jsonText = study.readString(json).orElseThrow(() -> new IOException("cannot read codelists/" + Manifest.FILE));
        Manifest manifest;
        try {
            manifest = Manifest.parse(jsonText);
        } catch (Manifest.Invalid e) {
            return new Result(false, List.of("codelists/" + Manifest.FILE + " is not a valid manifest: " + e.getMessage()
                    + ". It is generated; run `codelists update` to write it again."));
        }

        Set<String> listed = spec.codelists().stream().map(CodelistLine::id).collect(Collectors.toCollection(TreeSet::new));
        Set<String> recorded = manifest.files().values().stream().map(Manifest.Entry::id).filter(java.util.Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        differences("codelists.txt has been edited since the codelists were downloaded", listed, recorded, problems);

        Set<String> csvs = new TreeSet<>(CodelistsUpdate.csvFiles(codelistsDir)); // our temporary files are not among them
        differences("CSV files have been added to or deleted from codelists/ since the last update",
                csvs, new TreeSet<>(manifest.files().keySet()), problems);

        List<String> modified = new ArrayList<>();
        for (var e : manifest.files().entrySet()) {
            String shown = "codelists/" + Excerpt.of(e.getKey());
            Path csv = inFolder(codelistsDir, e.getKey());
            if (csv == null) {
                problems.add(shown + " is not a file name inside codelists/; codelists.json is generated: run `codelists update`.");
                continue;
            }
            StudyFolder.Access access = study.access(csv);
            if (access == StudyFolder.Access.MISSING) continue; // reported above as deleted
            Optional<byte[]> bytes = access == StudyFolder.Access.FILE ? study.readBytes(csv, CodelistCsvFiles.MAX_BYTES) : Optional.empty();
            if (bytes.isEmpty()) {
                problems.add(unreadable(study, csv, shown).orElse(shown + " cannot be read (or is over "
                        + (CodelistCsvFiles.MAX_BYTES >> 20) + " MB)."));
            } else if (!CsvDigest.sha1(bytes.get()).equals(e.getValue().sha())) {
                modified.add(shown);
            }
        }
        if (!modified.isEmpty()) {
            problems.add("These CSV files were changed after they were downloaded: " + String.join(", ", modified) + ".");
        }
        return new Result(false, problems, txtText, jsonText);
    }

    /** The file a manifest key names, if it is a plain file name in the codelists folder (a generated manifest's always is). */
    private static Path inFolder(Path codelistsDir, String name) {
        try {
            Path dir = codelistsDir.toAbsolutePath().normalize();
            Path p = dir.resolve(name).normalize();
            return dir.equals(p.getParent()) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Why a file of the codelists folder may not be read, if it may not: missing, a link out of the study, not a file. */
    private static Optional<String> unreadable(StudyFolder study, Path p, String shown) {
        return switch (study.access(p)) {
            case FILE -> Optional.empty();
            case MISSING -> Optional.of("There is no " + shown + ".");
            case OUTSIDE -> Optional.of(shown + " is a link to a file outside the study folder, so it is not read;"
                    + " commit the file itself, not a link.");
            case NOT_A_FILE -> Optional.of(shown + " is not a regular file.");
        };
    }

    private static void differences(String what, Set<String> now, Set<String> manifest, List<String> problems) {
        List<String> lines = new ArrayList<>();
        now.stream().filter(id -> !manifest.contains(id)).forEach(id -> lines.add("added: " + Excerpt.of(id)));
        manifest.stream().filter(id -> !now.contains(id)).forEach(id -> lines.add("removed: " + Excerpt.of(id)));
        if (!lines.isEmpty()) problems.add(what + " (" + String.join("; ", lines) + ").");
    }
}
