package opensafely.lsp.diagnostics;

import java.util.List;
import opensafely.lsp.text.Range;

/**
 * One finding in one document: the token at fault, a stable rule, and a message that says what to do.
 * Fixes are computed with the finding, so the editor's quick fixes and the rule can never disagree.
 */
public record Diagnostic(Range range, Severity severity, Rule rule, String message, List<Related> related, List<Fix> fixes) {

    /**
     * Another place that explains the finding: in the same document (the first of two duplicate keys, say), or, when
     * {@code file} is set, in another file of the study (a failed job's log, relative to the study folder).
     */
    public record Related(Range range, String message, String file) {
        public Related(Range range, String message) {
            this(range, message, null);
        }
    }

    public Diagnostic {
        related = List.copyOf(related);
        fixes = List.copyOf(fixes);
    }

    public static Diagnostic of(Rule rule, Range range, String message) {
        return new Diagnostic(range, rule.defaultSeverity(), rule, message, List.of(), List.of());
    }

    public Diagnostic withSeverity(Severity s) {
        return new Diagnostic(range, s, rule, message, related, fixes);
    }

    public Diagnostic withFix(Fix fix) {
        var all = new java.util.ArrayList<>(fixes);
        all.add(fix);
        return new Diagnostic(range, severity, rule, message, related, all);
    }

    public Diagnostic withRelated(Range r, String msg) {
        var all = new java.util.ArrayList<>(related);
        all.add(new Related(r, msg));
        return new Diagnostic(range, severity, rule, message, all, fixes);
    }

    /** With a related place in another file of the study ({@code file} relative to the study folder). */
    public Diagnostic withRelatedFile(String file, Range r, String msg) {
        var all = new java.util.ArrayList<>(related);
        all.add(new Related(r, msg, file));
        return new Diagnostic(range, severity, rule, message, all, fixes);
    }

    public String code() {
        return rule.id();
    }
}
