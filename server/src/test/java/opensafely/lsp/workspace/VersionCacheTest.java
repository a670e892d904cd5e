package opensafely.lsp.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One analysis per path, version and text: the key's hand-written equality (start-up, issue #15) keeps that. */
class VersionCacheTest {
    @Test
    void theSameVersionSharesOneAnalysisAndAnyDifferenceMakesAnother() {
        VersionCache<Integer> cache = new VersionCache<>(8);
        AtomicInteger analyses = new AtomicInteger();
        Path p = Path.of("study/project.yaml");
        Document doc = new Document(p, "version: '4.0'\n", 0, null);
        assertEquals(1, cache.get(doc, d -> analyses.incrementAndGet()));
        assertEquals(1, cache.get(new Document(Path.of("study/project.yaml"), new String("version: '4.0'\n"), 0, null),
                d -> analyses.incrementAndGet()));
        assertNull(cache.peek(new Document(p, "version: '4.0'\n", 1, null)), "another version");
        assertNull(cache.peek(new Document(p, "version: '3.0'\n", 0, null)), "another text");
        assertNull(cache.peek(new Document(Path.of("other/project.yaml"), "version: '4.0'\n", 0, null)), "another path");
        assertNull(cache.peek(new Document(null, "version: '4.0'\n", 0, null)), "no path");
        assertEquals(2, cache.get(new Document(null, "x", 0, null), d -> analyses.incrementAndGet()));
        assertEquals(2, cache.get(new Document(null, "x", 0, null), d -> analyses.incrementAndGet()));
    }
}
