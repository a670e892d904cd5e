package opensafely.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.Range;

/** What the rule tests share: writing a study folder, and comparing diagnostics with the marked ranges. */
public final class DiagnosticAssertions {
    private DiagnosticAssertions() {
    }

    /** Asserts the diagnostics are exactly the marked ranges with these codes (the i-th code on the i-th range). */
    public static void assertDiagnostics(List<Diagnostic> actual, List<Range> ranges, String... codes) {
        assertEquals(ranges.size(), codes.length, "fixture has " + ranges.size() + " markers for " + codes.length + " codes");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) expected.add(codes[i] + "@" + ranges.get(i));
        List<String> got = actual.stream().map(d -> d.code() + "@" + d.range()).collect(Collectors.toList());
        assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList(),
                () -> "messages:\n" + actual.stream().map(d -> d.code() + "@" + d.range() + " " + d.severity() + " " + d.message())
                        .collect(Collectors.joining("\n")));
    }

    /** Writes the files (path relative to root, content) of a study folder. */
    public static void writeFiles(Path root, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path p = root.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
