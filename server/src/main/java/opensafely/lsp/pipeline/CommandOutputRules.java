package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/**
 * Rules that tie a command to its outputs: ehrQL's {@code generate-dataset} writes patient-level data to
 * its {@code --output}, and cohort-extractor's {@code generate_cohort} writes into one directory.
 *
 * <p>Detection copies upstream exactly: a regular expression at the start of the raw string, so a
 * leading space or a quoted image switches these rules off there too.
 */
final class CommandOutputRules implements PipelineRule {
    private static final Pattern GENERATE_DATASET = Pattern.compile("^(ehrql|databuilder):\\S+ generate[-_]dataset");
    private static final Pattern GENERATE_COHORT = Pattern.compile("^cohortextractor:\\S+ generate_cohort");

    @Override
    public void check(Project project, RuleContext ctx) {
        for (Action action : project.actions()) {
            RunCommand run = action.run();
            if (run == null || !run.parsed() || run.words().isEmpty()) continue;
            // The command is looked at first, as most actions run neither. lookingAt, not find: the patterns
            // are anchored, and find would retry them at every position of every other command.
            boolean cohort = GENERATE_COHORT.matcher(run.raw()).lookingAt();
            boolean dataset = !cohort && GENERATE_DATASET.matcher(run.raw()).lookingAt();
            if (!cohort && !dataset) continue;
            if (!(action.get("outputs").orElse(null) instanceof YamlMapping outputs)) continue;
            if (cohort) {
                generateCohort(action, run, outputs, ctx);
            } else {
                generateDataset(action, run, outputs, ctx);
            }
        }
    }

    private static void generateCohort(Action action, RunCommand run, YamlMapping outputs, RuleContext ctx) {
        YamlNode outputsKey = action.entry("outputs").get().key();
        int levels = 0;
        for (PrivacyLevel l : PrivacyLevel.values()) {
            if (outputs.has(l.key())) levels++;
        }
        if (levels != 1) {
            ctx.report(Rule.GENERATE_COHORT_OUTPUT_COUNT, outputsKey.range(),
                    "A `generate_cohort` action must declare its outputs under exactly one privacy level; '" + action.name()
                            + "' has " + levels + ".");
        }
        if (run.hasOption("--output-dir")) return;
        Set<String> dirs = new LinkedHashSet<>();
        for (Output o : action.outputs()) {
            if (o.path() == null) continue;
            int slash = o.path().lastIndexOf('/');
            dirs.add(slash < 0 ? "." : o.path().substring(0, slash));
        }
        if (dirs.size() != 1) {
            ctx.report(Rule.GENERATE_COHORT_OUTPUT_DIRECTORIES, outputsKey.range(),
                    "`generate_cohort` writes into one directory, but the outputs of '" + action.name() + "' are in "
                            + dirs.size() + (dirs.isEmpty() ? "" : ": " + String.join("/, ", dirs) + "/")
                            + ". Put them in one directory, or pass `--output-dir`.");
        }
    }

    private static void generateDataset(Action action, RunCommand run, YamlMapping outputs, RuleContext ctx) {
        for (PrivacyLevel l : List.of(PrivacyLevel.MODERATELY_SENSITIVE, PrivacyLevel.MINIMALLY_SENSITIVE)) {
            Optional<YamlMapping.Entry> e = outputs.entry(l.key());
            if (e.isPresent() && e.get().value() instanceof YamlMapping m && !m.entries().isEmpty()) {
                ctx.report(Rule.GENERATE_DATASET_OUTPUT_LEVEL, e.get().key().range(),
                        "`generate-dataset` writes patient-level data, so every output of '" + action.name()
                                + "' must be highly_sensitive, not " + l.key() + ".");
            }
        }
        Optional<RunCommand.Word> spec = outputSpec(run);
        if (spec.isEmpty() || spec.get().value().isEmpty()) {
            RunCommand.Word at = run.words().size() > 1 ? run.words().get(1) : run.words().get(0);
            ctx.report(Rule.GENERATE_DATASET_MISSING_OUTPUT, at.range(),
                    "`generate-dataset` in '" + action.name() + "' needs `--output PATH` to say where the dataset goes.");
            return;
        }
        List<String> patterns = new ArrayList<>();
        action.level(PrivacyLevel.HIGHLY_SENSITIVE).ifPresent(m -> {
            for (YamlMapping.Entry e : m.entries()) {
                if (e.value() instanceof YamlScalar s && s.isString()) patterns.add(s.value());
            }
        });
        String expected = matches(spec.get().value(), patterns);
        if (expected != null) {
            ctx.report(Rule.GENERATE_DATASET_OUTPUT_MISMATCH, spec.get().range(),
                    "`--output " + spec.get().value() + "` must match the highly_sensitive outputs of '" + action.name()
                            + "': expected " + expected + ", but they are "
                            + (patterns.isEmpty() ? "empty" : String.join(", ", patterns)) + ".");
        }
    }

    /** The first {@code --output VALUE} or {@code --output=VALUE}, like upstream's scan. */
    static Optional<RunCommand.Word> outputSpec(RunCommand run) {
        List<RunCommand.Word> words = run.words();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i).value();
            if (w.equals("--output")) {
                return Optional.of(i + 1 < words.size() ? words.get(i + 1) : new RunCommand.Word("", words.get(i).range()));
            }
            if (w.startsWith("--output=")) {
                return Optional.of(new RunCommand.Word(w.substring("--output=".length()), words.get(i).range()));
            }
        }
        return Optional.empty();
    }

    /** Null when the patterns match the spec; otherwise what was expected, for the message. */
    static String matches(String spec, List<String> patterns) {
        int slash = spec.lastIndexOf('/');
        String last = slash < 0 ? spec : spec.substring(slash + 1);
        int colon = last.lastIndexOf(':');
        if (colon < 0) {
            return patterns.contains(spec) ? null : "'" + spec + "' among them";
        }
        String ext = "." + last.substring(colon + 1);
        String before = last.substring(0, colon);
        String parent = slash < 0 ? "" : spec.substring(0, slash);
        String dir = !before.isEmpty() ? (parent.isEmpty() ? before : parent + "/" + before) : (parent.isEmpty() ? "." : parent);
        Pattern glob = Pattern.compile(Pattern.quote(dir + "/").replace("*", "\\E.*\\Q") + ".*" + Pattern.quote(ext),
                Pattern.DOTALL);
        for (String p : patterns) {
            if (!glob.matcher(p).matches()) {
                return "every path to match '" + dir + "/*" + ext + "'";
            }
        }
        return null;
    }
}
