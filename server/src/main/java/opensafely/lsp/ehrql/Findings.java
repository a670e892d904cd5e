package opensafely.lsp.ehrql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.python.SourceFile;

/**
 * Where the evaluator's findings go. Only findings in the document being checked are kept (imported modules
 * are checked when they are opened themselves), and none while muted: a helper function's body evaluated
 * for one call, or code whose findings would repeat ones already made.
 */
final class Findings {
    private final SourceFile doc;
    private final Map<String, Diagnostic> found = new LinkedHashMap<>();
    private int muted;
    /** Findings that would only follow from one already made (hushed): never kept, in any file. */
    private int hushed;
    /** A helper module checked through this definition: its findings are kept apart, muted or not. */
    private java.nio.file.Path helper;
    private final Map<String, Diagnostic> helperFound = new LinkedHashMap<>();
    /** Permissions claimed with claim_permissions(...) anywhere in the analysis (this file or a module it imports). */
    final java.util.Set<String> claimed = new java.util.HashSet<>();
    /** claim_permissions was called with something other than literal names. */
    boolean claimsUnknown;

    Findings(SourceFile doc) {
        this.doc = doc;
    }

    SourceFile doc() {
        return doc;
    }

    boolean muted() {
        return muted > 0;
    }

    void mute() {
        muted++;
    }

    void unmute() {
        muted--;
    }

    void hush() {
        hushed++;
    }

    void unhush() {
        hushed--;
    }

    /** Keeps the findings made in this module (by path) while the definition runs: loading it, calling its functions. */
    void collectFor(java.nio.file.Path module) {
        helper = module;
    }

    List<Diagnostic> helperDiagnostics() {
        return new ArrayList<>(helperFound.values());
    }

    void report(Rule rule, SourceFile file, int start, int end, String message, Fix... fixes) {
        report(rule, rule.defaultSeverity(), file, start, end, message, fixes);
    }

    void report(Rule rule, Severity severity, SourceFile file, int start, int end, String message, Fix... fixes) {
        // Only errors: a warning in a helper is about code that may not run (a branch the evaluator cannot decide).
        if (helper != null && hushed == 0 && start >= 0 && severity == Severity.ERROR && file != doc && file.path != null && file.path.equals(helper)) {
            Diagnostic h = new Diagnostic(file.range(start, Math.max(start, end)), severity, rule, message, List.of(), List.of(fixes));
            helperFound.putIfAbsent(rule.id() + "@" + h.range(), h);
        }
        if (muted > 0 || hushed > 0 || file != doc || start < 0) return;
        Diagnostic d = new Diagnostic(doc.range(start, Math.max(start, end)), severity, rule, message, List.of(), List.of(fixes));
        found.putIfAbsent(rule.id() + "@" + d.range(), d);
    }

    void add(Diagnostic d) {
        found.putIfAbsent(d.rule().id() + "@" + d.range(), d);
    }

    List<Diagnostic> diagnostics() {
        return new ArrayList<>(found.values());
    }
}
