package opensafely.lsp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Lays out a corpus repository as a study folder: its project.yaml, its codelists, and an empty
 * placeholder for every path in files.txt, so the rules that check files named in project.yaml
 * exist do the same work as in a real checkout.
 */
final class CorpusStudy {
    private CorpusStudy() {
    }

    static void layOut(Path corpusDir, Path study) throws IOException {
        Files.createDirectories(study);
        Path root = study.toAbsolutePath().normalize();
        Path list = corpusDir.resolve("files.txt");
        int placeholders = 0;
        if (Files.isRegularFile(list)) {
            for (String line : Files.readAllLines(list)) {
                if (line.isBlank()) continue;
                Path p = root.resolve(line.trim()).normalize();
                if (!p.startsWith(root) || p.equals(root)) continue; // never write outside the study
                Files.createDirectories(p.getParent());
                if (!Files.exists(p)) {
                    Files.createFile(p);
                    placeholders++;
                }
            }
        }
        Path codelists = corpusDir.resolve("codelists");
        if (Files.isDirectory(codelists)) {
            try (Stream<Path> files = Files.walk(codelists)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path target = root.resolve("codelists").resolve(codelists.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Files.copy(corpusDir.resolve("project.yaml"), root.resolve("project.yaml"), StandardCopyOption.REPLACE_EXISTING);
        System.err.println("corpus study " + root + ": project.yaml + " + placeholders + " placeholder files");
    }
}
