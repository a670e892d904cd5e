package opensafely.lsp.lsp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.editor.QuickFixes;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.PrepareRenameDefaultBehavior;
import org.eclipse.lsp4j.PrepareRenameParams;
import org.eclipse.lsp4j.PrepareRenameResult;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;
import org.eclipse.lsp4j.jsonrpc.CompletableFutures;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.Either3;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * Document sync and the per-document requests. Every request has the same shape: take the snapshot of
 * the document as it is when the request arrives (notifications are handled in order on the protocol
 * thread, so the client's positions refer to exactly that text), then compute on a worker, where a
 * cancellation or a failure ends only that one request.
 */
final class StudyTextDocumentService implements TextDocumentService {
    private final LanguageService service;
    private final OpenDocuments documents;
    private final DiagnosticsPublisher diagnostics;
    private final Executor workers;
    private final ServerLog log;
    private volatile BiFunction<String, Document, List<CodeLens>> runLenses = (uri, doc) -> List.of();

    StudyTextDocumentService(LanguageService service, OpenDocuments documents, DiagnosticsPublisher diagnostics,
                             Executor workers, ServerLog log) {
        this.service = service;
        this.documents = documents;
        this.diagnostics = diagnostics;
        this.workers = workers;
        this.log = log;
    }

    // --- sync --------------------------------------------------------------------------------------

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        var item = params.getTextDocument();
        documents.open(item.getUri(), item.getText() == null ? "" : item.getText(), item.getVersion());
        diagnostics.validateNow(item.getUri());
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        Integer version = params.getTextDocument().getVersion();
        Optional<Document> old = documents.get(uri);
        if (old.isEmpty()) return;
        int v = version != null ? version : old.get().version() + 1;
        try {
            documents.change(uri, v, params.getContentChanges());
        } catch (RuntimeException e) {
            log.error("could not apply an edit to " + uri, e);
            return;
        }
        diagnostics.validateSoon(uri);
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        documents.close(uri);
        diagnostics.clear(uri);
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
        // Saving a new script can make a file that project.yaml names exist. Clients that do not watch
        // files tell us nothing else, so re-check the other open documents of the same study.
        String savedUri = params.getTextDocument().getUri();
        documents.get(savedUri).filter(saved -> saved.folder().known()).ifPresent(saved ->
                diagnostics.filesChanged((uri, doc) -> !uri.equals(savedUri) && doc.folder().root().equals(saved.folder().root())));
    }

    /** Where the run lenses of a project.yaml come from ({@link PipelineRuns}). */
    void runLenses(BiFunction<String, Document, List<CodeLens>> lenses) {
        runLenses = lenses;
    }

    // --- requests ----------------------------------------------------------------------------------

    /** On each action of project.yaml: "▶ Run", "Run with dependencies", and the last run's state. */
    @Override
    public CompletableFuture<List<? extends CodeLens>> codeLens(CodeLensParams params) {
        return compute("codeLens", params.getTextDocument(), List.of(), (doc, cancel) -> runLenses.apply(params.getTextDocument().getUri(), doc));
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        return compute("completion", params.getTextDocument(), Either.forLeft(List.of()), (doc, cancel) -> {
            var found = service.complete(doc, Protocol.position(params.getPosition()));
            cancel.checkCanceled();
            var limited = CompletionBudget.limit(found, documents.lines(params.getTextDocument().getUri(), doc));
            List<CompletionItem> items = new ArrayList<>(limited.items().size());
            for (var c : limited.items()) items.add(Protocol.completion(c));
            return Either.forRight(new CompletionList(limited.incomplete(), items));
        });
    }

    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        return compute("hover", params.getTextDocument(), null, (doc, cancel) ->
                service.hover(doc, Protocol.position(params.getPosition())).map(Protocol::hover).orElse(null));
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams params) {
        return compute("definition", params.getTextDocument(), Either.forLeft(List.of()), (doc, cancel) -> {
            List<Location> out = new ArrayList<>();
            for (var l : service.definition(doc, Protocol.position(params.getPosition()))) {
                out.add(Protocol.location(l, documents::uriOf));
            }
            return Either.forLeft(out);
        });
    }

    @Override
    public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
        boolean includeDeclaration = params.getContext() == null || params.getContext().isIncludeDeclaration();
        return compute("references", params.getTextDocument(), List.of(), (doc, cancel) -> {
            List<Location> out = new ArrayList<>();
            for (var l : service.references(doc, Protocol.position(params.getPosition()), includeDeclaration)) {
                out.add(Protocol.location(l, documents::uriOf));
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<Either3<org.eclipse.lsp4j.Range, PrepareRenameResult, PrepareRenameDefaultBehavior>> prepareRename(
            PrepareRenameParams params) {
        return compute("prepareRename", params.getTextDocument(), null, (doc, cancel) -> {
            Optional<Range> name = service.prepareRename(doc, Protocol.position(params.getPosition()));
            if (name.isEmpty()) return null;
            LineIndex index = new LineIndex(doc.text());
            String placeholder = doc.text().substring(index.offset(name.get().start()), index.offset(name.get().end()));
            return Either3.forSecond(new PrepareRenameResult(Protocol.range(name.get()), placeholder));
        });
    }

    @Override
    public CompletableFuture<WorkspaceEdit> rename(RenameParams params) {
        String uri = params.getTextDocument().getUri();
        return compute("rename", params.getTextDocument(), null, (doc, cancel) -> {
            var pos = Protocol.position(params.getPosition());
            List<TextEdit> edits = service.rename(doc, pos, params.getNewName());
            if (!edits.isEmpty()) return Protocol.workspaceEdit(uri, edits);
            if (service.prepareRename(doc, pos).isEmpty()) return null; // nothing renameable here
            // Something can be renamed, just not to this: say so, rather than silently doing nothing.
            throw new ResponseErrorException(new ResponseError(ResponseErrorCode.RequestFailed,
                    "Cannot rename to '" + params.getNewName()
                            + "': it is not a valid action name, or another action already has it.", null));
        });
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
        return compute("documentSymbol", params.getTextDocument(), List.of(), (doc, cancel) -> {
            List<Either<SymbolInformation, DocumentSymbol>> out = new ArrayList<>();
            for (var s : service.symbols(doc)) out.add(Either.forRight(Protocol.symbol(s)));
            return out;
        });
    }

    /**
     * Source actions on the whole file, then the quick fixes of the diagnostics that overlap the range, each
     * offered with its diagnostic attached (so the editor shows it as that diagnostic's fix), once.
     */
    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        String uri = params.getTextDocument().getUri();
        Range range = Protocol.range(params.getRange());
        List<String> only = params.getContext() == null ? null : params.getContext().getOnly();
        boolean quickFixes = only == null || only.stream().anyMatch(k -> CodeActionKind.QuickFix.startsWith(k));
        boolean sourceActions = only == null || only.stream().anyMatch(k -> CodeActionKind.Source.startsWith(k));
        if (!quickFixes && !sourceActions) {
            return CompletableFuture.completedFuture(List.of()); // the client asked for other kinds only
        }
        return compute("codeAction", params.getTextDocument(), List.of(), (doc, cancel) -> {
            List<Either<Command, CodeAction>> out = new ArrayList<>();
            if (sourceActions) {
                for (Fix f : service.sourceActions(doc)) out.add(Either.forRight(Protocol.sourceAction(f)));
            }
            if (!quickFixes) return out;
            Set<Fix> offered = new LinkedHashSet<>();
            // The published diagnostics of this version carry the rules' fixes: no second analysis.
            for (Diagnostic d : diagnostics.diagnostics(uri, doc)) {
                if (d.fixes().isEmpty() || !QuickFixes.overlaps(d.range(), range)) continue;
                var lspDiagnostic = Protocol.diagnostic(d, uri);
                for (Fix f : d.fixes()) {
                    if (offered.add(f)) out.add(Either.forRight(Protocol.quickFix(f, uri, List.of(lspDiagnostic))));
                }
            }
            return out;
        });
    }

    /**
     * Runs one request on a worker. A document that is not open, a cancellation, or a failure in the
     * analysis gives the empty answer; a failure is also logged to the client. So does a version whose
     * diagnostics overran their time: a request must not start the same runaway analysis again.
     */
    private <R> CompletableFuture<R> compute(String name, TextDocumentIdentifier id, R empty,
                                             BiFunction<Document, CancelChecker, R> work) {
        if (id == null || id.getUri() == null) {
            throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams,
                    name + " needs a textDocument with a uri", null));
        }
        Optional<Document> doc = documents.get(id.getUri());
        if (doc.isEmpty() || diagnostics.overdue(id.getUri(), doc.get())) return CompletableFuture.completedFuture(empty);
        AtomicBoolean done = new AtomicBoolean();
        ScheduledFuture<?> deadline = diagnostics.watchRequest(name, id.getUri(), doc.get().version(), done);
        return CompletableFutures.computeAsync(workers, cancel -> {
            try {
                cancel.checkCanceled();
                return work.apply(doc.get(), cancel);
            } catch (CancellationException | ResponseErrorException e) {
                throw e;
            } catch (Throwable e) { // StackOverflowError and OutOfMemoryError too: they cost this answer only
                log.error(name + " failed for " + id.getUri(), e);
                return empty;
            } finally {
                done.set(true);
                if (deadline != null) deadline.cancel(false);
            }
        });
    }
}
