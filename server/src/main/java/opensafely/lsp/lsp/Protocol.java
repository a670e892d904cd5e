package opensafely.lsp.lsp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.ShownFindings;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Location;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.DiagnosticCodeDescription;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/** Translation between the analysis core's types and LSP4J's. Nothing else in the server builds protocol types by hand. */
final class Protocol {
    static final String SOURCE = "opensafely-lsp";

    private Protocol() {
    }

    static Position position(org.eclipse.lsp4j.Position p) {
        return new Position(p.getLine(), p.getCharacter());
    }

    static org.eclipse.lsp4j.Position position(Position p) {
        return new org.eclipse.lsp4j.Position(p.line(), p.character());
    }

    static Range range(org.eclipse.lsp4j.Range r) {
        return new Range(position(r.getStart()), position(r.getEnd()));
    }

    static org.eclipse.lsp4j.Range range(Range r) {
        return new org.eclipse.lsp4j.Range(position(r.start()), position(r.end()));
    }

    static DiagnosticSeverity severity(Severity s) {
        return switch (s) {
            case ERROR -> DiagnosticSeverity.Error;
            case WARNING -> DiagnosticSeverity.Warning;
            case INFORMATION -> DiagnosticSeverity.Information;
            case HINT -> DiagnosticSeverity.Hint;
        };
    }

    /**
     * A finding as the client sees it. The message is the plain String form: LSP4J 1.0 also allows
     * Markdown messages, which only clients declaring LSP 3.18 support understand.
     */
    static org.eclipse.lsp4j.Diagnostic diagnostic(Diagnostic d, String uri) {
        org.eclipse.lsp4j.Diagnostic out = new org.eclipse.lsp4j.Diagnostic();
        out.setRange(range(d.range()));
        out.setSeverity(severity(d.severity()));
        out.setCode(d.code());
        // Editors show the code as a link to the rule's entry, with its example and fix.
        out.setCodeDescription(new DiagnosticCodeDescription(d.rule().documentationUrl()));
        out.setSource(SOURCE);
        out.setMessage(d.message());
        if (!d.related().isEmpty()) {
            List<DiagnosticRelatedInformation> related = new ArrayList<>();
            for (Diagnostic.Related r : d.related()) {
                related.add(new DiagnosticRelatedInformation(
                        new org.eclipse.lsp4j.Location(r.file() == null ? uri : besideUri(uri, r.file()), range(r.range())), r.message()));
            }
            out.setRelatedInformation(related);
        }
        return out;
    }

    /** A file of the study named relative to its folder, which holds {@code uri}'s project.yaml (a run's log, say). */
    static String besideUri(String uri, String file) {
        return DocumentUris.filePath(uri).map(p -> p.getParent() == null ? p : p.getParent())
                .map(dir -> DocumentUris.uri(dir.resolve(file).normalize())).orElse(uri);
    }

    /** What is published for a file: as many findings, and messages as long, as `check` shows ({@link ShownFindings}). */
    static List<org.eclipse.lsp4j.Diagnostic> diagnostics(List<Diagnostic> all, String uri) {
        List<Diagnostic> ds = ShownFindings.of(all);
        List<org.eclipse.lsp4j.Diagnostic> out = new ArrayList<>(ds.size());
        for (Diagnostic d : ds) out.add(diagnostic(d, uri));
        return out;
    }

    static WorkspaceEdit workspaceEdit(String uri, List<opensafely.lsp.diagnostics.TextEdit> edits) {
        List<TextEdit> out = new ArrayList<>(edits.size());
        for (opensafely.lsp.diagnostics.TextEdit e : edits) out.add(new TextEdit(range(e.range()), e.newText()));
        Map<String, List<TextEdit>> changes = new LinkedHashMap<>();
        changes.put(uri, out);
        return new WorkspaceEdit(changes);
    }

    /** A quick fix; {@code fixes} lists the (already translated) diagnostics it resolves, possibly none. */
    static CodeAction quickFix(Fix fix, String uri, List<org.eclipse.lsp4j.Diagnostic> fixes) {
        CodeAction action = new CodeAction(fix.title());
        action.setKind(CodeActionKind.QuickFix);
        if (!fix.edits().isEmpty() || fix.command() == null) action.setEdit(workspaceEdit(uri, fix.edits()));
        if (fix.command() != null) {
            action.setCommand(new org.eclipse.lsp4j.Command(fix.title(), fix.command().id(), List.copyOf(fix.command().arguments())));
        }
        if (!fixes.isEmpty()) action.setDiagnostics(fixes);
        return action;
    }

    /** A whole-file action that runs a server command (kind source). */
    static CodeAction sourceAction(Fix fix) {
        CodeAction action = new CodeAction(fix.title());
        action.setKind(CodeActionKind.Source);
        action.setCommand(new org.eclipse.lsp4j.Command(fix.title(), fix.command().id(), List.copyOf(fix.command().arguments())));
        return action;
    }

    static CompletionItem completion(Completion c) {
        CompletionItem item = new CompletionItem(c.label());
        if (c.kind() != null) item.setKind(completionKind(c.kind()));
        if (c.detail() != null) item.setDetail(c.detail());
        if (c.documentation() != null && !c.documentation().isEmpty()) {
            item.setDocumentation(markdown(c.documentation()));
        }
        if (c.sortText() != null) item.setSortText(c.sortText());
        String insert = c.insertText() != null ? c.insertText() : c.label();
        item.setInsertTextFormat(c.snippet() ? InsertTextFormat.Snippet : InsertTextFormat.PlainText);
        if (c.replace() != null) {
            item.setTextEdit(Either.forLeft(new TextEdit(range(c.replace()), insert)));
        } else {
            item.setInsertText(insert);
        }
        return item;
    }

    static CompletionItemKind completionKind(Completion.Kind k) {
        return switch (k) {
            case KEYWORD -> CompletionItemKind.Keyword;
            case PROPERTY -> CompletionItemKind.Property;
            case VALUE -> CompletionItemKind.Value;
            case REFERENCE -> CompletionItemKind.Reference;
            case FILE -> CompletionItemKind.File;
            case FOLDER -> CompletionItemKind.Folder;
            case MODULE -> CompletionItemKind.Module;
            case FUNCTION -> CompletionItemKind.Function;
            case VARIABLE -> CompletionItemKind.Variable;
            case CONSTANT -> CompletionItemKind.Constant;
            case SNIPPET -> CompletionItemKind.Snippet;
        };
    }

    static Hover hover(HoverInfo h) {
        return h.range() == null ? new Hover(markdown(h.markdown())) : new Hover(markdown(h.markdown()), range(h.range()));
    }

    static MarkupContent markdown(String text) {
        return new MarkupContent(MarkupKind.MARKDOWN, text);
    }

    static DocumentSymbol symbol(Symbol s) {
        Range selection = s.selectionRange() != null ? s.selectionRange() : s.range();
        DocumentSymbol out = new DocumentSymbol(s.name(), symbolKind(s.kind()), range(s.range()), range(selection));
        if (s.detail() != null) out.setDetail(s.detail());
        if (s.children() != null && !s.children().isEmpty()) {
            List<DocumentSymbol> children = new ArrayList<>();
            for (Symbol c : s.children()) children.add(symbol(c));
            out.setChildren(children);
        }
        return out;
    }

    static SymbolKind symbolKind(Symbol.Kind k) {
        if (k == null) return SymbolKind.Key;
        return switch (k) {
            case ACTION -> SymbolKind.Function;
            case KEY -> SymbolKind.Key;
            case VARIABLE -> SymbolKind.Variable;
            case FUNCTION -> SymbolKind.Function;
            case CONSTANT -> SymbolKind.Constant;
            case MODULE -> SymbolKind.Module;
        };
    }

    /** A location, named by the client's own URI when the file is open in it. */
    static org.eclipse.lsp4j.Location location(Location l, Function<Path, String> uriOf) {
        return new org.eclipse.lsp4j.Location(uriOf.apply(l.path()), range(l.range()));
    }
}
