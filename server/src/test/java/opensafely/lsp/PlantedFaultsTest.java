package opensafely.lsp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.study.StudyDefinitionService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a pass/fail test (issue #13): single faults planted in real studies' ehrQL and
 * cohort-extractor files (definitions and the helper modules they import), one at a time, each checked the
 * way `check` checks the file; a fault counts as caught when an error or warning starts on its line. Sites
 * the unplanted file already has a finding on are skipped. Prints a tally by kind and by study and one
 * example miss per kind, and writes the same to target/planted-faults.txt.
 *
 * <p>Needs real studies unpacked under /tmp/rs/&lt;study&gt;/ (or -DplantedFaults.root=DIR[,DIR...]) and, since it
 * takes minutes, -DplantedFaults=true; otherwise skipped. The studies are copied, never modified.
 */
class PlantedFaultsTest {
    private static final int PER_KIND = Integer.getInteger("plantedFaults.perKind", 3);

    record Outcome(String study, String file, PlantSites.Site site, boolean caught, boolean ehrql) {}

    @Test
    void tally(@TempDir Path tmp) throws IOException {
        // One folder of studies, or several separated by commas (-DplantedFaults.root=/tmp/rs,/tmp/rs2).
        List<Path> roots = java.util.Arrays.stream(System.getProperty("plantedFaults.root", "/tmp/rs").split(","))
                .map(String::strip).filter(r -> !r.isEmpty()).map(Path::of).filter(Files::isDirectory).toList();
        Assumptions.assumeTrue(!roots.isEmpty(), "no real studies at " + roots + " (unpack them there to measure)");
        Assumptions.assumeTrue(Boolean.getBoolean("plantedFaults"), "a minutes-long measurement: run with -DplantedFaults=true");
        List<Outcome> outcomes = new ArrayList<>();
        int skipped = 0;
        List<Path> studies = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.list(root)) {
                studies.addAll(s.filter(p -> Files.isRegularFile(p.resolve("project.yaml"))).sorted().toList());
            }
        }
        for (Path study : studies) {
            Path copy = tmp.resolve(study.getFileName());
            for (String part : List.of("project.yaml", "analysis", "codelists")) copyTree(study.resolve(part), copy.resolve(part));
            StudyFolder folder = StudyFolder.at(copy);
            for (Path file : candidates(copy, folder)) {
                String text = Files.readString(file);
                String rel = copy.relativize(file).toString();
                List<Diagnostic> baseline = check(file, text, folder);
                for (PlantSites.Site site : new PlantSites(text).choose(rel, PER_KIND)) {
                    if (findingOn(baseline, site.line())) { skipped++; continue; }
                    String planted = site.apply(text);
                    Files.writeString(file, planted);
                    touch(file);
                    boolean caught;
                    try {
                        caught = findingOn(check(file, planted, folder), site.line());
                    } finally {
                        Files.writeString(file, text);
                        touch(file);
                    }
                    outcomes.add(new Outcome(study.getFileName().toString(), rel, site, caught, text.contains("ehrql")));
                }
            }
        }
        String report = report(outcomes, skipped);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "planted-faults.txt"), report);
    }

    private static int version;

    private static List<Diagnostic> check(Path file, String text, StudyFolder folder) {
        // A new service each time: nothing a previous plant read from disk is remembered.
        return new StudyLanguageService().diagnostics(new Document(file, text, ++version, folder));
    }

    private static boolean findingOn(List<Diagnostic> ds, int line) {
        return ds.stream().anyMatch(d -> d.severity().atLeast(Severity.WARNING) && d.range().start().line() == line);
    }

    /** Python files under analysis/ that `check` analyses, or that use ehrQL or cohort-extractor (helpers it may not). */
    private static List<Path> candidates(Path study, StudyFolder folder) throws IOException {
        Path analysis = study.resolve("analysis");
        if (!Files.isDirectory(analysis)) return List.of();
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(analysis)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
                if (study.relativize(p).toString().contains("/.")) continue;
                String text = Files.readString(p);
                Document doc = new Document(p, text, 0, folder);
                boolean checked = StudyDefinitionService.isStudyDefinition(doc) || DatasetDefinitionService.isChecked(doc);
                if (checked || text.contains("from ehrql") || text.contains("import ehrql") || text.contains("cohortextractor")) out.add(p);
            }
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) return;
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(target);
                    else if (Files.isRegularFile(p)) {
                        Files.createDirectories(target.getParent());
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** A fresh modification time, so no cache keyed on it can take the restored file for the planted one. */
    private static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + version * 1000L));
    }

    static String report(List<Outcome> outcomes, int skipped) {
        StringBuilder b = new StringBuilder("planted faults: caught on the planted line, by kind\n");
        Map<PlantSites.Kind, int[]> byKind = new EnumMap<>(PlantSites.Kind.class);
        Map<String, int[]> byStudy = new TreeMap<>();
        Map<PlantSites.Kind, List<Outcome>> misses = new EnumMap<>(PlantSites.Kind.class);
        for (Outcome o : outcomes) {
            int[] k = byKind.computeIfAbsent(o.site().kind(), x -> new int[2]);
            int[] s = byStudy.computeIfAbsent(o.study(), x -> new int[2]);
            k[1]++; s[1]++;
            if (o.caught()) { k[0]++; s[0]++; }
            else misses.computeIfAbsent(o.site().kind(), x -> new ArrayList<>()).add(o);
        }
        byKind.forEach((k, v) -> b.append(String.format("  %-14s %4d / %4d  %5.1f %%%n", k, v[0], v[1], 100.0 * v[0] / v[1])));
        // The same by language (a file that mentions ehrql is counted as ehrQL, as PlantSites plants in it).
        Map<String, int[]> byLanguage = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] l = byLanguage.computeIfAbsent((o.ehrql() ? "ehrql " : "cohort ") + o.site().kind(), x -> new int[2]);
            l[1]++;
            if (o.caught()) l[0]++;
        }
        b.append("by language and kind\n");
        byLanguage.forEach((k, v) -> b.append(String.format("  %-24s %4d / %4d  %5.1f %%%n", k, v[0], v[1], 100.0 * v[0] / v[1])));
        b.append("by study\n");
        byStudy.forEach((k, v) -> b.append(String.format("  %-45s %4d / %4d  %5.1f %%%n", k, v[0], v[1], 100.0 * v[0] / v[1])));
        b.append("misses\n");
        misses.forEach((k, list) -> {
            b.append("  ").append(k).append(": ").append(list.size()).append('\n');
            list.stream().sorted(Comparator.comparing(Outcome::file)).forEach(o -> b.append(String.format("    %s/%s:%d %s -> %s%n",
                    o.study(), o.file(), o.site().line() + 1, o.site().original(), o.site().replacement())));
        });
        int caught = (int) outcomes.stream().filter(Outcome::caught).count();
        b.append(String.format("TALLY planted=%d caught=%d (%.1f %%) skipped-already-flagged=%d%n",
                outcomes.size(), caught, 100.0 * caught / Math.max(1, outcomes.size()), skipped));
        return b.toString();
    }
}
