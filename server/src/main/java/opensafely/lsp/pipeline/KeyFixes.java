package opensafely.lsp.pipeline;

import java.util.Collection;
import java.util.Optional;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** Reports a name that is not one of the allowed ones, with a did-you-mean message and quick fix. */
final class KeyFixes {
    private KeyFixes() {
    }

    /**
     * @param what the kind of name, e.g. "key"
     * @param where where it was found, e.g. " in action 'a'" (or "")
     */
    static void unknown(RuleContext ctx, Rule rule, YamlNode key, String what, String where, Collection<String> allowed) {
        String name = key instanceof YamlScalar s ? s.value() : "?";
        Optional<String> suggestion = DidYouMean.closest(name, allowed);
        String message = "Unknown " + what + " '" + name + "'" + where + "." + DidYouMean.suffix(suggestion)
                + (suggestion.isEmpty() ? " Allowed: " + String.join(", ", allowed) + "." : "");
        Diagnostic d = Diagnostic.of(rule, key.range(), message);
        if (suggestion.isPresent() && key instanceof YamlScalar s && s.plain()) {
            d = d.withFix(Fix.replace("Change to '" + suggestion.get() + "'", key.range(), suggestion.get()));
        }
        ctx.report(d);
    }
}
