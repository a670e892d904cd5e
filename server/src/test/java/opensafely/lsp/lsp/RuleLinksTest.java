package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import opensafely.lsp.SharedData;
import opensafely.lsp.diagnostics.Rule;
import org.eclipse.lsp4j.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A diagnostic's code is a link to the rule's entry in docs/rules.md, as GitHub renders it. */
class RuleLinksTest {
    private static final Path REPO = SharedData.repo();

    @TempDir
    Path study;

    @Test
    void publishedDiagnosticsLinkTheirCodeToTheRulesEntry() throws Exception {
        try (InJvmServer lsp = new InJvmServer(new DelegatingService(), Duration.ZERO)) {
            lsp.initialize();
            String uri = study.resolve("project.yaml").toUri().toString();
            lsp.open(uri, "version: '5.0'\nactionz: {}\nactions: {}\n");
            Diagnostic d = lsp.client.awaitDiagnostics(uri, 1).getDiagnostics().get(0);
            assertEquals("unknown-top-level-key", d.getCode().getLeft());
            assertEquals("https://github.com/opensafely-lsp/opensafely-lsp/blob/main/docs/rules.md#unknown-top-level-key",
                    d.getCodeDescription().getHref());
        }
    }

    @Test
    void everyRulesAnchorIsAHeadingOfRulesMd() throws Exception {
        Set<String> anchors = githubAnchors(Files.readAllLines(REPO.resolve("docs/rules.md")));
        List<String> missing = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            String url = rule.documentationUrl();
            String anchor = url.substring(url.indexOf('#') + 1);
            if (!url.startsWith(Rule.CATALOGUE_URL + "#") || !anchors.contains(anchor)) missing.add(rule.id() + " -> " + url);
        }
        assertEquals(List.of(), missing, "rules whose link lands on no heading of docs/rules.md");
    }

    @Test
    void theCatalogueIsOnTheRepositoryTheExtensionNames() throws Exception {
        JsonObject pkg = JsonParser.parseString(Files.readString(REPO.resolve("vscode-extension/package.json"))).getAsJsonObject();
        String repository = pkg.getAsJsonObject("repository").get("url").getAsString().replaceFirst("\\.git$", "");
        assertEquals(repository + "/blob/main/docs/rules.md", Rule.CATALOGUE_URL);
        assertEquals(repository + "/issues", pkg.getAsJsonObject("bugs").get("url").getAsString());
        assertTrue(pkg.get("homepage").getAsString().startsWith(repository), pkg.get("homepage").getAsString());
    }

    /**
     * The anchors GitHub gives the headings of a Markdown file: the heading's text lower-cased, without
     * punctuation other than `-` and `_`, spaces turned to `-`; a repeated one gets `-1`, `-2`, ...
     */
    static Set<String> githubAnchors(List<String> lines) {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.startsWith("```")) fenced = !fenced;
            if (fenced || !line.matches("#{1,6} .*")) continue;
            String text = line.replaceFirst("^#+ ", "").trim().toLowerCase(Locale.ROOT);
            String slug = text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            String anchor = slug;
            for (int i = 1; !anchors.add(anchor); i++) anchor = slug + "-" + i;
        }
        return anchors;
    }

    @Test
    void anchorsAreMadeAsGithubMakesThem() {
        assertEquals(Set.of("file-encoding", "rules", "why-it-matters", "why-it-matters-1"),
                githubAnchors(List.of("# Rules", "## `file-encoding`", "```yaml", "# a comment", "```", "### Why it matters?",
                        "### Why it matters")));
    }
}
