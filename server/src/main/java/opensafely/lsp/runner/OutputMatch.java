package opensafely.lsp.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.pipeline.OutputPattern;

/**
 * The declared outputs of one action matched against the files in its job's workspace (tooling spec §2.6 step 4).
 *
 * @param matched    each matched file → the privacy level of its pattern (the first pattern that matches wins)
 * @param unmatched  declared patterns that matched no file: the job fails with "No outputs found matching patterns:"
 * @param undeclared files the job wrote that no pattern declares: discarded with the workspace, listed as a hint
 */
public record OutputMatch(Map<String, String> matched, List<String> unmatched, List<String> undeclared) {

    /** A declared output: its pattern and privacy level key ({@code highly_sensitive}, ...). */
    public record Declared(OutputPattern pattern, String level) {
    }

    public static OutputMatch of(List<Declared> declared, List<String> files, Predicate<String> writtenByJob) {
        Map<String, String> matched = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>();
        for (Declared d : declared) {
            boolean any = false;
            for (String f : files) {
                if (d.pattern().matches(f)) {
                    matched.putIfAbsent(f, d.level());
                    any = true;
                }
            }
            if (!any) unmatched.add(d.pattern().pattern());
        }
        List<String> undeclared = new ArrayList<>();
        for (String f : files) {
            if (!matched.containsKey(f) && writtenByJob.test(f)) undeclared.add(f);
        }
        return new OutputMatch(matched, List.copyOf(unmatched), List.copyOf(undeclared));
    }

    /** The file the job wrote that looks most like an unmatched pattern (a typo in the name or the folder). */
    public Optional<String> closest(String pattern) {
        return DidYouMean.closest(pattern, undeclared);
    }
}
