package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.outputs.OutputCheck;
import opensafely.lsp.outputs.OutputReport;
import opensafely.lsp.outputs.StudyOutputs;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.PrivacyLevel;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The output checks of package {@code outputs} on what a job wrote, for the run's summary: job-runner only lists the
 * files it would exclude (Level 4); a researcher also wants to know, before asking for a release, which cells an
 * output checker would send back (small or unrounded counts, ...). Read in the job's folder, before the copy-back.
 */
final class OutputFindings {
    /** Per file at most this many findings are listed; the rest are counted ("and N more"). */
    static final int MAX_PER_FILE = 5;

    private OutputFindings() {
    }

    /**
     * @param matched  the job's matched outputs: path → privacy level
     * @param excluded files already reported as excluded from Level 4 (their reason says enough)
     */
    static Map<String, List<String>> of(Path jobFolder, Action action, Map<String, String> matched, Set<String> excluded) {
        StudyFolder folder = StudyFolder.at(jobFolder);
        List<StudyOutputs.Match> outputs = new ArrayList<>();
        matched.forEach((path, level) -> {
            if (level.equals(PrivacyLevel.MODERATELY_SENSITIVE.key())) outputs.add(new StudyOutputs.Match(jobFolder.resolve(path), path, action));
        });
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (StudyOutputs.Match m : outputs) {
            if (excluded.contains(m.relative())) continue;
            try {
                OutputReport report = OutputCheck.onDisk(folder, m.file(), m.relative(), Optional.of(m), outputs);
                List<String> lines = new ArrayList<>();
                for (Diagnostic d : report.findings()) {
                    if (lines.size() == MAX_PER_FILE) {
                        lines.add("... and " + (report.findings().size() - MAX_PER_FILE) + " more (run `check` to see all)");
                        break;
                    }
                    lines.add(String.format(Locale.ROOT, "%d:%d %s %s", d.range().start().line() + 1, d.range().start().character() + 1,
                            d.rule().id(), d.message()));
                }
                if (!lines.isEmpty()) found.put(m.relative(), lines);
            } catch (IOException | RuntimeException e) {
                // A file the checks cannot read is not this job's failure: check reports it on its own.
            }
        }
        return found;
    }
}
