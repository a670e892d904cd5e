package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import opensafely.lsp.FuzzTest;
import opensafely.lsp.Mutator;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.text.LineIndex;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A random editing session through the in-JVM language server (real JSON-RPC): incremental edits of
 * real files, with completion, hover and symbols asked in between. Every request is answered within
 * the bound, the server logs no failure, and the diagnostics of the last version arrive with every range
 * inside the text as the client holds it. Fixed seed; {@code -Dfuzz.seconds} scales it as for {@link FuzzTest}.
 */
class SessionFuzzTest {
    @Test
    void randomEditsOfRealFiles() throws Exception {
        List<FuzzTest.Input> inputs = FuzzTest.inputs();
        Assumptions.assumeTrue(!inputs.isEmpty(), "no corpus or examples beside the repository");
        Mutator mutator = new Mutator(new Random(FuzzTest.SEED + 1));
        Random random = mutator.random();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(5, FuzzTest.SECONDS / 3));
        int sessions = 0;
        try (InJvmServer lsp = new InJvmServer(new DelegatingService(), Duration.ofMillis(20))) {
            lsp.initialize();
            while (System.nanoTime() < deadline || sessions < 2) {
                FuzzTest.Input input = inputs.get(random.nextInt(inputs.size()));
                String uri = input.path().toUri().toString();
                String text = input.text();
                lsp.remote.getTextDocumentService().didOpen(new org.eclipse.lsp4j.DidOpenTextDocumentParams(
                        new org.eclipse.lsp4j.TextDocumentItem(uri, "text", 1, text)));
                int version = 1;
                for (int i = 0; i < 40; i++) {
                    LineIndex lines = new LineIndex(text);
                    int a = random.nextInt(text.length() + 1);
                    int b = Math.min(text.length(), a + (random.nextInt(3) == 0 ? random.nextInt(80) : 0));
                    String inserted = random.nextInt(3) == 0 ? "" : mutator.insertion();
                    var start = Protocol.position(lines.position(a));
                    var end = Protocol.position(lines.position(b));
                    // Apply it as the server does, from the positions sent (they may split a surrogate pair or CRLF).
                    int from = lines.offset(lines.position(a)), to = lines.offset(lines.position(b));
                    text = text.substring(0, from) + inserted + text.substring(to);
                    lsp.change(uri, ++version, InJvmServer.edit(start.getLine(), start.getCharacter(), end.getLine(), end.getCharacter(), inserted));
                    if (i % 8 == 7) ask(lsp, uri, new LineIndex(text), random, text);
                }
                final String finalText = text;
                PublishDiagnosticsParams published = lsp.client.awaitDiagnostics(uri, version);
                FuzzTest.assertInside(toCore(published), finalText, () -> "session " + input.path());
                lsp.remote.getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(new TextDocumentIdentifier(uri)));
                lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri) && p.getDiagnostics().isEmpty());
                var failures = lsp.client.logged.stream().filter(m -> m.getType() == MessageType.Error || m.getType() == MessageType.Warning).toList();
                assertTrue(failures.isEmpty(), "the server logged failures: " + failures);
                sessions++;
            }
        }
        System.out.println("session fuzz: " + sessions + " sessions, seed " + (FuzzTest.SEED + 1));
    }

    private static void ask(InJvmServer lsp, String uri, LineIndex lines, Random random, String text) throws Exception {
        var id = new TextDocumentIdentifier(uri);
        var pos = Protocol.position(lines.position(random.nextInt(text.length() + 1)));
        var docs = lsp.remote.getTextDocumentService();
        docs.completion(new CompletionParams(id, pos)).get(60, TimeUnit.SECONDS);
        docs.hover(new HoverParams(id, pos)).get(60, TimeUnit.SECONDS);
        docs.documentSymbol(new DocumentSymbolParams(id)).get(60, TimeUnit.SECONDS);
    }

    /** The published ranges back in core terms, for the shared range check. */
    private static List<Diagnostic> toCore(PublishDiagnosticsParams p) {
        List<Diagnostic> out = new ArrayList<>();
        for (var d : p.getDiagnostics()) {
            var r = d.getRange();
            out.add(new Diagnostic(opensafely.lsp.text.Range.of(r.getStart().getLine(), r.getStart().getCharacter(),
                    r.getEnd().getLine(), r.getEnd().getCharacter()), Severity.INFORMATION, Rule.YAML_SYNTAX,
                    d.getCode().getLeft() + ": " + d.getMessage().getLeft(), List.of(), List.of()));
        }
        return out;
    }
}
