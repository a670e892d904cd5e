package opensafely.lsp.lsp;

import static opensafely.lsp.lsp.StudyLanguageServerTest.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesCapabilities;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.PrepareRenameParams;
import org.eclipse.lsp4j.RenameCapabilities;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core results as the client receives them, over JSON-RPC, from a scripted language service. */
class ProtocolTranslationTest {
    @TempDir
    Path study;
    InJvmServer lsp;

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    private final DelegatingService scripted = new DelegatingService() {
        @Override
        public List<Completion> complete(Document doc, Position pos) {
            return List.of(
                    new Completion("needs", Completion.Kind.PROPERTY, "list of actions", "Actions to run **first**.",
                            "needs: [${1}]", true, Range.of(2, 4, 2, 6), "0"),
                    new Completion("generate_dataset", Completion.Kind.REFERENCE, null, null, null, false, null, null));
        }

        @Override
        public Optional<HoverInfo> hover(Document doc, Position pos) {
            return Optional.of(new HoverInfo("**needs**: actions", Range.of(2, 4, 2, 9)));
        }

        @Override
        public List<Location> definition(Document doc, Position pos) {
            return List.of(new Location(doc.path(), Range.of(1, 2, 1, 18)),
                    new Location(study.resolve("analysis/model.py"), Range.of(0, 0, 0, 0)));
        }

        @Override
        public Optional<Range> prepareRename(Document doc, Position pos) {
            return Optional.of(Range.of(1, 2, 1, 18));
        }

        @Override
        public List<TextEdit> rename(Document doc, Position pos, String newName) {
            return List.of(new TextEdit(Range.of(1, 2, 1, 18), newName), new TextEdit(Range.of(3, 12, 3, 28), newName));
        }

        @Override
        public List<Symbol> symbols(Document doc) {
            Symbol run = new Symbol("run", "python", Symbol.Kind.KEY, Range.of(2, 4, 2, 20), Range.of(2, 4, 2, 7), List.of());
            return List.of(new Symbol("generate_dataset", "ehrql", Symbol.Kind.ACTION, Range.of(1, 2, 4, 0),
                    Range.of(1, 2, 1, 18), List.of(run)));
        }
    };

    private static final String TEXT = "actions:\n  generate_dataset:\n    run: x\n  b: {needs: [generate_dataset]}\n";

    private String openScripted() throws Exception {
        lsp = new InJvmServer(scripted, Duration.ZERO);
        lsp.initialize();
        String uri = study.resolve("project.yaml").toUri().toString();
        lsp.open(uri, TEXT);
        lsp.client.awaitDiagnostics(uri, 1);
        return uri;
    }

    @Test
    void completionsBecomeItemsWithSnippetsReplaceRangesAndMarkdown() throws Exception {
        String uri = openScripted();
        var result = lsp.remote.getTextDocumentService().completion(new CompletionParams(
                new TextDocumentIdentifier(uri), new org.eclipse.lsp4j.Position(2, 6))).get(60, TimeUnit.SECONDS);
        var items = result.getRight().getItems();
        assertEquals(2, items.size());
        var needs = items.get(0);
        assertEquals("needs", needs.getLabel());
        assertEquals(CompletionItemKind.Property, needs.getKind());
        assertEquals("list of actions", needs.getDetail());
        assertEquals(MarkupKind.MARKDOWN, needs.getDocumentation().getRight().getKind());
        assertEquals("Actions to run **first**.", needs.getDocumentation().getRight().getValue());
        assertEquals(InsertTextFormat.Snippet, needs.getInsertTextFormat());
        assertEquals(range(2, 4, 2, 6), needs.getTextEdit().getLeft().getRange());
        assertEquals("needs: [${1}]", needs.getTextEdit().getLeft().getNewText());
        assertEquals("0", needs.getSortText());
        var name = items.get(1);
        assertEquals(CompletionItemKind.Reference, name.getKind());
        assertEquals(InsertTextFormat.PlainText, name.getInsertTextFormat());
        assertEquals("generate_dataset", name.getInsertText());
        assertNull(name.getTextEdit());
    }

    @Test
    void hoverDefinitionRenameAndSymbolsAreTranslated() throws Exception {
        String uri = openScripted();
        var docs = lsp.remote.getTextDocumentService();
        var id = new TextDocumentIdentifier(uri);
        var at = new org.eclipse.lsp4j.Position(3, 15);

        var hover = docs.hover(new HoverParams(id, at)).get(60, TimeUnit.SECONDS);
        assertEquals(MarkupKind.MARKDOWN, hover.getContents().getRight().getKind());
        assertEquals("**needs**: actions", hover.getContents().getRight().getValue());
        assertEquals(range(2, 4, 2, 9), hover.getRange());

        var definition = docs.definition(new DefinitionParams(id, at)).get(60, TimeUnit.SECONDS).getLeft();
        assertEquals(uri, definition.get(0).getUri(), "the open document keeps the client's own URI");
        assertEquals(range(1, 2, 1, 18), definition.get(0).getRange());
        assertEquals(study.resolve("analysis/model.py").toUri().toString(), definition.get(1).getUri());

        var prepared = docs.prepareRename(new PrepareRenameParams(id, at)).get(60, TimeUnit.SECONDS);
        assertEquals(range(1, 2, 1, 18), prepared.getSecond().getRange());
        assertEquals("generate_dataset", prepared.getSecond().getPlaceholder());

        var edit = docs.rename(new RenameParams(id, at, "extract")).get(60, TimeUnit.SECONDS);
        var edits = edit.getChanges().get(uri);
        assertEquals(List.of(range(1, 2, 1, 18), range(3, 12, 3, 28)), edits.stream().map(e -> e.getRange()).toList());
        assertTrue(edits.stream().allMatch(e -> e.getNewText().equals("extract")));

        var symbols = docs.documentSymbol(new DocumentSymbolParams(id)).get(60, TimeUnit.SECONDS);
        var action = symbols.get(0).getRight();
        assertEquals("generate_dataset", action.getName());
        assertEquals(SymbolKind.Function, action.getKind());
        assertEquals(range(1, 2, 4, 0), action.getRange());
        assertEquals(range(1, 2, 1, 18), action.getSelectionRange());
        assertEquals("run", action.getChildren().get(0).getName());
        assertEquals(SymbolKind.Key, action.getChildren().get(0).getKind());
    }

    @Test
    void requestsForADocumentThatIsNotOpenAnswerEmpty() throws Exception {
        lsp = new InJvmServer(scripted, Duration.ZERO);
        lsp.initialize();
        var id = new TextDocumentIdentifier(study.resolve("project.yaml").toUri().toString());
        assertNull(lsp.remote.getTextDocumentService().hover(new HoverParams(id, new org.eclipse.lsp4j.Position(0, 0)))
                .get(60, TimeUnit.SECONDS));
    }

    @Test
    void capabilitiesAnnounceIncrementalSyncAndEveryFeature() throws Exception {
        lsp = new InJvmServer(scripted, Duration.ZERO);
        InitializeParams params = new InitializeParams();
        ClientCapabilities caps = new ClientCapabilities();
        TextDocumentClientCapabilities text = new TextDocumentClientCapabilities();
        text.setRename(new RenameCapabilities(true, false));
        caps.setTextDocument(text);
        WorkspaceClientCapabilities workspace = new WorkspaceClientCapabilities();
        workspace.setDidChangeWatchedFiles(new DidChangeWatchedFilesCapabilities(true));
        caps.setWorkspace(workspace);
        params.setCapabilities(caps);
        var result = lsp.remote.initialize(params).get(60, TimeUnit.SECONDS);
        lsp.remote.initialized(new org.eclipse.lsp4j.InitializedParams());

        var server = result.getCapabilities();
        assertEquals("opensafely-lsp", result.getServerInfo().getName());
        var sync = server.getTextDocumentSync().getRight();
        assertEquals(TextDocumentSyncKind.Incremental, sync.getChange());
        assertTrue(sync.getOpenClose());
        assertTrue(server.getCompletionProvider().getTriggerCharacters()
                .containsAll(List.of(":", " ", "/", "[", ",", "-", ".")));
        assertTrue(server.getHoverProvider().getLeft());
        assertTrue(server.getDefinitionProvider().getLeft());
        assertTrue(server.getReferencesProvider().getLeft());
        assertTrue(server.getDocumentSymbolProvider().getLeft());
        assertTrue(server.getRenameProvider().getRight().getPrepareProvider());
        assertEquals(List.of("quickfix", "source"), server.getCodeActionProvider().getRight().getCodeActionKinds());

        // The client lets servers register watchers: we ask to hear about created and deleted files.
        long deadline = System.currentTimeMillis() + 4000;
        while (lsp.client.registrations.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(10);
        assertEquals("workspace/didChangeWatchedFiles",
                lsp.client.registrations.get(0).getRegistrations().get(0).getMethod());
    }
}
