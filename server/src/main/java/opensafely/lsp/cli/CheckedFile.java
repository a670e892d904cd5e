package opensafely.lsp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFolder;

/**
 * One file as `check` takes it in: read whole, but only if it is text of a size a study file can have,
 * and analysed only if it is a kind the checker reads.
 */
final class CheckedFile {
    /**
     * Far above any real study file (the largest project.yaml in the corpus is a few hundred kilobytes, the
     * benchmark's a megabyte), and far below what would exhaust memory: the bound of every study file read.
     */
    static final long MAX_BYTES = StudyFolder.MAX_TEXT_BYTES;

    private CheckedFile() {
    }

    /** The file's bytes; an unusable file (missing, too large, binary) is exit code 2, said in words. */
    static byte[] read(Path path, String name) throws CheckCommand.UnusableFile {
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new CheckCommand.UnusableFile(name + " is larger than " + (MAX_BYTES >> 20)
                        + " MB, far more than any study file; it is not checked");
            }
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes((int) MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new CheckCommand.UnusableFile("cannot read " + name + ": " + CheckCommand.describe(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw new CheckCommand.UnusableFile(name + " is larger than " + (MAX_BYTES >> 20) + " MB; it is not checked");
        }
        // A NUL in codelists.txt is a bad line of a text file, reported on its line (codelists-txt-invalid-line).
        if (binary(bytes) && DocumentKind.of(path) != DocumentKind.CODELISTS_TXT) {
            throw new CheckCommand.UnusableFile("cannot read " + name + ": it is a binary file, not text");
        }
        return bytes;
    }

    /** A NUL byte: no text file a study is made of has one (UTF-8 text never does, and UTF-16 is not read). */
    static boolean binary(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) return true;
        }
        return false;
    }

    static String notAnalysedBecause(Document doc) {
        DocumentKind kind = DocumentKind.of(doc.path());
        if (kind == DocumentKind.R_SCRIPT || kind == DocumentKind.STATA_SCRIPT) {
            return "no action of the study's project.yaml runs it, so nothing in it is checked";
        }
        return kind == DocumentKind.PYTHON
                ? "it is neither a cohort-extractor study definition nor an ehrQL dataset or measures definition, and no action of the"
                        + " study's project.yaml runs it as a script, so nothing in it is checked"
                : "not a kind of file the checker reads (it reads project.yaml, codelists/codelists.txt, study, dataset and measures"
                        + " definitions, and the scripts project.yaml runs)";
    }
}
