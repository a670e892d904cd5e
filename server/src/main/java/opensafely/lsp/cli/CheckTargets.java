package opensafely.lsp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.outputs.OutputCheck;
import opensafely.lsp.outputs.StudyOutputs;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFiles;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The files that `check`'s PATH arguments stand for, each with the study folder it belongs to.
 *
 * <p>A folder must be a study folder (hold project.yaml); it contributes its project.yaml and, for the
 * kinds the analysis covers, its other files ({@code analysis/**}{@code /*.py} for Python): see
 * {@link StudyFiles}, which the language server uses too, and the moderately_sensitive outputs found on disk
 * ({@link StudyOutputs}). A file is
 * checked whatever its kind, in the study folder that encloses it, if any. A file named twice (say by
 * {@code check . project.yaml}) is checked once, where it was first named.
 */
final class CheckTargets {
    /**
     * One file to analyse.
     *
     * @param named whether the file was named on the command line (not found in a folder): a named file
     *     the checker does not read is worth a word, a folder's other files are not
     * @param output whether it is checked as an output (outputs.OutputCheck): a moderately_sensitive output of
     *     its study, or a CSV named on the command line
     * @param match the action whose moderately_sensitive pattern names it, if any
     */
    record Target(Path path, StudyFolder folder, boolean named, boolean output, Optional<StudyOutputs.Match> match) {
        Target(Path path, StudyFolder folder, boolean named) {
            this(path, folder, named, false, Optional.empty());
        }
    }

    /** A PATH that names nothing `check` can read: exit code 2. */
    static final class BadPath extends Exception {
        BadPath(String message) {
            super(message);
        }
    }

    private CheckTargets() {
    }

    /**
     * With no PATH, the study folder the working directory is in: {@code check} run in {@code analysis/}
     * (or deeper) checks the study above it, as the OpenSAFELY CLI finds project.yaml from there.
     */
    static List<Target> collectDefault(Path cwd, Set<DocumentKind> folderKinds) throws BadPath {
        Path here = cwd.toAbsolutePath().normalize();
        if (Files.isRegularFile(here.resolve("project.yaml"))) return collect(cwd, List.of("."), folderKinds);
        Optional<StudyFolder> above = StudyFolder.enclosing(here);
        if (above.isEmpty()) {
            throw new BadPath("there is no project.yaml here or in any folder above; run it in a study folder, or name one");
        }
        Path root = above.get().root().orElseThrow();
        return List.copyOf(folderTargets(root.toString(), root, folderKinds));
    }

    static List<Target> collect(Path cwd, List<String> args, Set<DocumentKind> folderKinds) throws BadPath {
        Map<Path, Target> targets = new LinkedHashMap<>();
        for (String arg : args) {
            Path path;
            try {
                path = cwd.resolve(arg).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new BadPath(arg + ": not a valid path");
            }
            if (Files.isDirectory(path)) {
                folderTargets(arg, path, folderKinds).forEach(t -> targets.putIfAbsent(t.path(), t));
            } else if (Files.isRegularFile(path)) {
                StudyFolder folder = StudyFolder.enclosing(path).orElse(StudyFolder.none());
                Optional<StudyOutputs.Match> match = StudyOutputs.match(folder, path);
                if (match.isPresent() || OutputCheck.isTable(path.getFileName().toString())) {
                    // A CSV outside any study is read within its own folder: never through a link out of it.
                    StudyFolder bounds = folder.known() ? folder : StudyFolder.around(path);
                    targets.putIfAbsent(path, new Target(path, bounds, true, true, match));
                } else {
                    targets.putIfAbsent(path, new Target(path, folder, true));
                }
            } else if (Files.exists(path)) {
                throw new BadPath(arg + ": not a file or folder");
            } else {
                throw new BadPath(arg + ": no such file or folder");
            }
        }
        return List.copyOf(targets.values());
    }

    private static List<Target> folderTargets(String arg, Path dir, Set<DocumentKind> kinds) throws BadPath {
        Path project = dir.resolve("project.yaml");
        if (!Files.isRegularFile(project)) {
            throw new BadPath(arg + ": not a study folder (it has no project.yaml)");
        }
        StudyFolder folder = StudyFolder.at(dir);
        List<Target> out = new ArrayList<>();
        try {
            StudyFiles.of(dir, kinds).forEach(p -> out.add(new Target(p, folder, false)));
        } catch (IOException | UncheckedIOException e) {
            throw new BadPath(arg + ": cannot list " + StudyFiles.ANALYSIS_DIR + "/: " + e.getMessage());
        }
        // The moderately_sensitive outputs on disk (there are none before a run): checked as a release would be.
        try {
            StudyOutputs.of(folder).forEach(m -> out.add(new Target(m.file(), folder, false, true, Optional.of(m))));
        } catch (IOException | UncheckedIOException e) {
            throw new BadPath(arg + ": cannot list the study's outputs: " + e.getMessage());
        }
        return out;
    }
}
