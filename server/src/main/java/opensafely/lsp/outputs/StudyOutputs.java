package opensafely.lsp.outputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.OutputPattern;
import opensafely.lsp.pipeline.PrivacyLevel;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.workspace.StudyFiles;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The files of a study that are moderately_sensitive outputs: those on disk that a moderately_sensitive pattern of
 * project.yaml matches (as job-runner matches them, {@link OutputPattern}), whoever wrote them. Found by walking the
 * study folder, bounded in depth and count, without following links or entering dot-folders.
 */
public final class StudyOutputs {
    /** Files looked at per study: outputs are tens or hundreds; a folder of millions is not walked to the end. */
    static final int MAX_FILES_SEEN = 50_000;
    static final int MAX_OUTPUTS = 2_000;

    /** One output file and the action whose pattern matched it. */
    public record Match(Path file, String relative, Action action) {
    }

    private StudyOutputs() {
    }

    /** The moderately_sensitive output files of the study; empty without a folder or a project.yaml that parses. */
    public static List<Match> of(StudyFolder folder) throws IOException {
        Optional<Project> project = ProjectOnDisk.read(folder);
        if (project.isEmpty() || folder.root().isEmpty()) return List.of();
        return of(folder.root().get(), project.get());
    }

    static List<Match> of(Path root, Project project) throws IOException {
        List<ActionPatterns> patterns = patterns(project);
        int depth = patterns.stream().flatMap(a -> a.patterns().stream()).mapToInt(p -> p.pattern().split("/").length).max().orElse(0);
        if (depth == 0) return List.of();
        List<Match> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, depth)) {
            files.limit(MAX_FILES_SEEN)
                    .filter(p -> !p.equals(root) && !StudyFiles.hidden(root.relativize(p)))
                    .filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p))
                    .sorted()
                    .forEach(p -> {
                        if (out.size() >= MAX_OUTPUTS) return;
                        String rel = slashes(root.relativize(p));
                        matching(patterns, rel).ifPresent(a -> out.add(new Match(p, rel, a)));
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** The match of one file, if a moderately_sensitive pattern of the study's project.yaml names it. */
    public static Optional<Match> match(StudyFolder folder, Path file) {
        if (folder.root().isEmpty()) return Optional.empty();
        Path root = folder.root().get();
        Path abs = file.toAbsolutePath().normalize();
        if (!abs.startsWith(root)) return Optional.empty();
        Optional<Project> project = ProjectOnDisk.read(folder);
        if (project.isEmpty()) return Optional.empty();
        String rel = slashes(root.relativize(abs));
        return matching(patterns(project.get()), rel).map(a -> new Match(abs, rel, a));
    }

    /** Whether the action declares a moderately_sensitive CSV (a pattern ending .csv) among its outputs. */
    static boolean declaresCsv(Action action) {
        return action.outputs().stream().anyMatch(o -> o.level() == PrivacyLevel.MODERATELY_SENSITIVE && o.path() != null
                && o.path().endsWith(".csv"));
    }

    /** An action's moderately_sensitive patterns (Action itself is a poor map key: its hash walks the YAML). */
    private record ActionPatterns(Action action, List<OutputPattern> patterns) {
    }

    private static List<ActionPatterns> patterns(Project project) {
        List<ActionPatterns> out = new ArrayList<>();
        for (Action a : project.actions()) {
            List<OutputPattern> ps = new ArrayList<>();
            for (Output o : a.outputs()) {
                if (o.level() == PrivacyLevel.MODERATELY_SENSITIVE && o.path() != null && !o.path().isBlank()) {
                    ps.add(new OutputPattern(o.path()));
                }
            }
            if (!ps.isEmpty()) out.add(new ActionPatterns(a, ps));
        }
        return out;
    }

    private static Optional<Action> matching(List<ActionPatterns> patterns, String rel) {
        for (ActionPatterns ap : patterns) {
            if (ap.patterns().stream().anyMatch(p -> p.matches(rel))) return Optional.of(ap.action());
        }
        return Optional.empty();
    }

    private static String slashes(Path relative) {
        return relative.toString().replace('\\', '/');
    }

}
