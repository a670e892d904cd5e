package opensafely.lsp.codelists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import opensafely.lsp.workspace.AtomicWrite;
import opensafely.lsp.workspace.StudyFolder;

/**
 * {@code codelists update}: downloads every codelist of codelists.txt into codelists/ and writes the manifest,
 * as {@code opensafely codelists update} does, so that {@code opensafely codelists check} then passes.
 *
 * <p>One difference, because the files are the user's: a CSV that the previous manifest did not record (one
 * the user put there by hand) is reported, not deleted. And the update is all or nothing: every line of
 * codelists.txt is checked before the first request, every download is staged beside its target
 * ({@link AtomicWrite.Batch}), and only when all have arrived are the CSVs and then the manifest moved into
 * place. A failure at codelist 12 of 25 leaves the folder exactly as it was.
 */
public final class CodelistsUpdate {
    private static final DateTimeFormatter DOWNLOADED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final CodelistSource source;
    private final Clock clock;
    private final Consumer<String> progress;

    public CodelistsUpdate(CodelistSource source, Clock clock, Consumer<String> progress) {
        this.source = source;
        this.clock = clock;
        this.progress = progress;
    }

    /** Why an update could not be done; the folder is unchanged. */
    public static final class Failed extends Exception {
        /** USAGE: no folder or list to work on; FINDING: codelists.txt names something wrong; UNREACHABLE: the network failed. */
        public enum Kind { USAGE, FINDING, UNREACHABLE }

        private final Kind kind;

        public Failed(String message, Kind kind) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** What an update did. */
    public record Outcome(int downloaded, int changed, List<String> deleted, List<String> leftInPlace) {
    }

    public Outcome run(Path codelistsDir) throws Failed, IOException {
        if (!Files.isDirectory(codelistsDir)) {
            throw new Failed("There is no codelists/ folder here; run this in the study folder.", Failed.Kind.USAGE);
        }
        StudyFolder study = StudyFolder.at(codelistsDir.toAbsolutePath().normalize().getParent());
        Path txt = codelistsDir.resolve(CodelistsTxt.FILE);
        String text = switch (study.access(txt)) {
            case FILE -> study.readString(txt).orElseThrow(() -> new Failed("codelists/" + CodelistsTxt.FILE
                    + " cannot be read (or is over " + (StudyFolder.MAX_TEXT_BYTES >> 20) + " MB).", Failed.Kind.USAGE));
            case OUTSIDE -> throw new Failed("codelists/" + CodelistsTxt.FILE + " is a link to a file outside the study folder;"
                    + " it is not read. Commit the file itself.", Failed.Kind.USAGE);
            default -> throw new Failed("There is no codelists/" + CodelistsTxt.FILE + ".", Failed.Kind.USAGE);
        };
        CodelistsTxt spec = CodelistsTxt.parse(text);
        if (!spec.problems().isEmpty()) {
            CodelistsTxt.Problem p = spec.problems().get(0);
            throw new Failed("codelists/" + CodelistsTxt.FILE + " line " + (p.line() + 1) + ": " + p.message(), Failed.Kind.FINDING);
        }
        Manifest previous = previousManifest(study, codelistsDir);
        List<String> before = csvFiles(codelistsDir);

        Map<String, Manifest.Entry> files = new LinkedHashMap<>();
        int changed = 0;
        try (AtomicWrite.Batch batch = new AtomicWrite.Batch()) {
            for (CodelistLine codelist : spec.codelists()) {
                progress.accept("Fetching " + codelist.id());
                byte[] csv;
                try {
                    csv = source.download(codelist);
                } catch (CodelistSource.DownloadFailed e) {
                    throw new Failed("Could not update the codelists: " + e.getMessage() + ". Nothing in codelists/ was changed.",
                            e.unreachable() ? Failed.Kind.UNREACHABLE : Failed.Kind.FINDING);
                }
                batch.add(codelistsDir.resolve(codelist.fileName()), csv);
                String sha = CsvDigest.sha1(csv);
                Manifest.Entry old = previous.files().get(codelist.fileName());
                // An unchanged file keeps its date, so an update that changes nothing leaves no diff.
                boolean same = old != null && sha.equals(old.sha()) && codelist.id().equals(old.id()) && old.downloadedAt() != null;
                if (!same) changed++;
                files.put(codelist.fileName(), new Manifest.Entry(codelist.id(), codelist.pageUrl(source.baseUrl()),
                        same ? old.downloadedAt() : now(), sha));
            }
            // The manifest last: a folder whose CSVs moved but whose manifest did not is one `check` reports.
            batch.add(codelistsDir.resolve(Manifest.FILE), new Manifest(files).toJson().getBytes(StandardCharsets.UTF_8));
            batch.commit();
        }

        List<String> deleted = new ArrayList<>();
        List<String> leftInPlace = new ArrayList<>();
        for (String name : before) {
            if (files.containsKey(name)) continue;
            if (previous.files().containsKey(name)) {
                progress.accept("Deleting " + name);
                Files.deleteIfExists(codelistsDir.resolve(name));
                deleted.add(name);
            } else {
                leftInPlace.add(name);
            }
        }
        return new Outcome(files.size(), changed, deleted, leftInPlace);
    }

    private static Manifest previousManifest(StudyFolder study, Path dir) {
        Optional<String> json = study.readString(dir.resolve(Manifest.FILE));
        if (json.isEmpty()) return new Manifest(Map.of());
        try {
            return Manifest.parse(json.get());
        } catch (Manifest.Invalid e) {
            return new Manifest(Map.of()); // it is regenerated whole
        }
    }

    /** The CSVs in the folder (our temporary files are hidden .tmp files, so never among them). */
    static List<String> csvFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".csv") && !AtomicWrite.isTemporary(n)).sorted().toList();
        }
    }

    private String now() {
        return LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).format(DOWNLOADED_AT) + "Z";
    }
}
