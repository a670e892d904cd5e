package opensafely.lsp.codelists;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.diagnostics.ShownFindings;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;

/**
 * The editor's and `check`'s view of codelists/codelists.txt: each line {@link CodelistsTxt} refuses (the same
 * reading `codelists update` and `codelists check` use, before any download or write) is a finding on that line,
 * and each codelist is a document symbol.
 */
public final class CodelistsTxtService implements LanguageService {
    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        String text = doc.text();
        CodelistsTxt txt = CodelistsTxt.parse(text);
        if (txt.problems().isEmpty()) return List.of();
        String[] lines = text.split("\r\n|\r|\n", -1); // as CodelistsTxt numbers them
        List<Diagnostic> out = new ArrayList<>();
        for (CodelistsTxt.Problem p : txt.problems()) {
            if (out.size() == ShownFindings.MAX_SHOWN) break; // no more are shown: a generated file of bad lines stays cheap
            Range range = Range.of(p.line(), p.start(), p.line(), p.end());
            if (p.kind() != CodelistsTxt.Problem.Kind.FORMAT) {
                out.add(Diagnostic.of(Rule.CODELISTS_TXT_DUPLICATE, range, p.message())); // the OpenSAFELY CLI stops there too
            } else if (OpenSafelyCliReading.fails(lines[p.line()])) {
                out.add(Diagnostic.of(Rule.CODELISTS_TXT_INVALID_LINE, range, p.message()));
            } else {
                out.add(Diagnostic.of(Rule.CODELISTS_TXT_INVALID_LINE, range, p.message()
                        + " (`opensafely codelists update` may accept this line, but this tool's `codelists update` refuses it.)")
                        .withSeverity(Severity.WARNING));
            }
        }
        return out;
    }

    /** One symbol per codelist, named by its id, with the CSV it is downloaded to. */
    @Override
    public List<Symbol> symbols(Document doc) {
        List<Symbol> out = new ArrayList<>();
        for (CodelistLine c : CodelistsTxt.parse(doc.text()).codelists()) {
            Range range = Range.of(c.line(), c.start(), c.line(), c.end());
            out.add(new Symbol(c.id(), c.fileName(), Symbol.Kind.CONSTANT, range, range, List.of()));
        }
        return out;
    }
}
