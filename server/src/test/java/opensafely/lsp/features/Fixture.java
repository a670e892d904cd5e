package opensafely.lsp.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/** A project.yaml text with a {@code |} caret, in an optional study folder. */
record Fixture(Document doc, Position caret) {

    static Fixture of(String marked) {
        return in(null, marked);
    }

    /** The text goes into {@code folder/project.yaml} (unless folder is null); the caret is removed. */
    static Fixture in(Path folder, String marked) {
        int at = marked.indexOf('|');
        String text = at < 0 ? marked : marked.substring(0, at) + marked.substring(at + 1);
        Position caret = at < 0 ? new Position(0, 0) : new LineIndex(text).position(at);
        Path path;
        StudyFolder study;
        if (folder == null) {
            path = Path.of("/nonexistent/study/project.yaml");
            study = StudyFolder.none();
        } else {
            path = folder.resolve("project.yaml");
            try {
                Files.writeString(path, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            study = StudyFolder.at(folder);
        }
        return new Fixture(new Document(path, text, 1, study), caret);
    }

    static void touch(Path folder, String... files) {
        try {
            for (String f : files) {
                Path p = folder.resolve(f);
                Files.createDirectories(p.getParent());
                Files.writeString(p, "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
