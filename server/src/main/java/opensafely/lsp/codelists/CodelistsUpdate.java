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
import java.util.function.Consumer;
import java.util.stream.Stream;
import opensafely.lsp.workspace.AtomicWrite;

/**
 * {@code codelists update}: downloads every codelist of codelists.txt into codelists/ and writes the manifest,
 * as {@code opensafely codelists update} does, so that {@code opensafely codelists check} then passes.
 *
 * <p>One difference, because the files are the user's: a CSV that the previous manifest did not record (one
 * the user put there by hand) is reported, not deleted. Every file is written atomically, and the manifest
 * only once every download succeeded, so a failed update leaves a folder that {@code check} still describes.
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

    /** Why an update could not be done (the folder is unchanged unless said otherwise). */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message);
        }
    }

    /** What an update did. */
    public record Outcome(int downloaded, int changed, List<String> deleted, List<String> leftInPlace) {
    }

    public Outcome run(Path codelistsDir) throws Failed, IOException {
        if (!Files.isDirectory(codelistsDir)) throw new Failed("There is no codelists/ folder here; run this in the study folder.");
        Path txt = codelistsDir.resolve(CodelistsTxt.FILE);
        if (!Files.isRegularFile(txt)) throw new Failed("There is no codelists/" + CodelistsTxt.FILE + ".");
        CodelistsTxt spec = CodelistsTxt.parse(Files.readString(txt, StandardCharsets.UTF_8));
        if (!spec.problems().isEmpty()) {
            CodelistsTxt.Problem p = spec.problems().get(0);
            throw new Failed("codelists/" + CodelistsTxt.FILE + " line " + (p.line() + 1) + ": " + p.message());
        }
        Manifest previous = previousManifest(codelistsDir);
        List<String> before = csvFiles(codelistsDir);

        Map<String, Manifest.Entry> files = new LinkedHashMap<>();
        int changed = 0;
        for (CodelistLine codelist : spec.codelists()) {
            progress.accept("Fetching " + codelist.id());
            byte[] csv;
            try {
                csv = source.download(codelist);
            } catch (CodelistSource.DownloadFailed e) {
                throw new Failed("Could not update the codelists: " + e.getMessage()
                        + ". The codelists downloaded before it are written; codelists.json is unchanged.");
            }
            AtomicWrite.write(codelistsDir.resolve(codelist.fileName()), csv);
            String sha = CsvDigest.sha1(csv);
            Manifest.Entry old = previous.files().get(codelist.fileName());
            // An unchanged file keeps its date, so an update that changes nothing leaves no diff.
            boolean same = old != null && sha.equals(old.sha()) && codelist.id().equals(old.id()) && old.downloadedAt() != null;
            if (!same) changed++;
            files.put(codelist.fileName(), new Manifest.Entry(codelist.id(), codelist.pageUrl(source.baseUrl()),
                    same ? old.downloadedAt() : now(), sha));
        }
        AtomicWrite.write(codelistsDir.resolve(Manifest.FILE), new Manifest(files).toJson().getBytes(StandardCharsets.UTF_8));

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

    private static Manifest previousManifest(Path dir) throws IOException {
        Path json = dir.resolve(Manifest.FILE);
        if (!Files.isRegularFile(json)) return new Manifest(Map.of());
        try {
            return Manifest.parse(Files.readString(json, StandardCharsets.UTF_8));
        } catch (Manifest.Invalid e) {
            return new Manifest(Map.of()); // it is regenerated whole
        }
    }

    private static List<String> csvFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv")).sorted().toList();
        }
    }

    private String now() {
        return LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).format(DOWNLOADED_AT) + "Z";
    }
}
