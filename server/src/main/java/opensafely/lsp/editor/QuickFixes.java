package opensafely.lsp.editor;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.text.Range;

/**
 * Quick fixes are made by the rules together with their diagnostics; this only picks those of the
 * diagnostics that overlap the range the editor asks about.
 */
public final class QuickFixes {
    private QuickFixes() {
    }

    public static List<Fix> fixes(List<Diagnostic> diagnostics, Range range) {
        List<Fix> out = new ArrayList<>();
        for (Diagnostic d : diagnostics) {
            if (d.fixes().isEmpty() || !overlaps(d.range(), range)) continue;
            for (Fix f : d.fixes()) {
                if (!out.contains(f)) out.add(f);
            }
        }
        return out;
    }

    public static boolean overlaps(Range a, Range b) {
        return a.start().compareTo(b.end()) <= 0 && b.start().compareTo(a.end()) <= 0;
    }
}
