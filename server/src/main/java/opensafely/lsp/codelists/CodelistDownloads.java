package opensafely.lsp.codelists;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Whether a codelist CSV that a definition reads, and that is missing, is one that {@code codelists update}
 * would download: it is, when codelists.txt lists a codelist whose file it is. Then the finding can offer
 * that download as its fix.
 */
public final class CodelistDownloads {
    private CodelistDownloads() {
    }

    /** The fix that downloads the study's codelists, if {@code csvPath} (relative to the folder) is one of them. */
    public static Optional<Fix> fixFor(StudyFolder folder, String csvPath) {
        Optional<Path> root = folder.root();
        String normalised = csvPath.replace('\\', '/');
        if (root.isEmpty() || !normalised.startsWith("codelists/")) return Optional.empty();
        String name = normalised.substring("codelists/".length());
        String text = folder.readString("codelists/" + CodelistsTxt.FILE).orElse(null);
        if (text == null) return Optional.empty();
        return CodelistsTxt.parse(text).codelists().stream()
                .filter(c -> c.fileName().equals(name))
                .findFirst()
                .map(c -> Fix.run("Download the codelists (codelists update)", Fix.UPDATE_CODELISTS,
                        List.of(root.get().toUri().toString())));
    }
}
