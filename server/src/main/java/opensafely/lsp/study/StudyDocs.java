package opensafely.lsp.study;

import java.util.List;
import java.util.stream.Collectors;

/** Markdown and snippets for functions and arguments, shared by hover and completion. */
final class StudyDocs {
    private StudyDocs() {
    }

    static String signature(Catalog.Function fn) {
        return "patients." + fn.name() + "(" + fn.params().stream().filter(p -> !p.deprecated()).map(p -> p.varPositional() ? "*" + p.name().replace("*", "")
                : p.varKeyword() ? "**" + p.name().replace("*", "") : p.required() ? p.name() : p.name() + "=" + p.defaultText())
                .collect(Collectors.joining(", ")) + ")";
    }

    static String returns(Catalog.Function fn, String returning) {
        if (!fn.byReturning().isEmpty()) {
            if (returning != null && fn.typeFor(returning).isPresent()) return "`" + fn.typeFor(returning).get() + "` (returning=\"" + returning + "\")";
            return fn.byReturning().entrySet().stream().map(e -> "`" + e.getKey() + "` → " + e.getValue()).collect(Collectors.joining(", "))
                    + (fn.defaultReturning() != null ? " (default `" + fn.defaultReturning() + "`)" : "");
        }
        return fn.fixedType() != null ? "`" + fn.fixedType() + "`" : fn.typeNote() == null ? "?" : fn.typeNote();
    }

    static String function(Catalog.Function fn, String returning) {
        StringBuilder b = new StringBuilder();
        b.append("```python\n").append(signature(fn)).append("\n```\n\n").append(fn.summary()).append("\n\n");
        b.append("**Returns:** ").append(returns(fn, returning)).append("\n");
        List<Catalog.Param> params = fn.params().stream().filter(p -> !p.deprecated()).toList();
        if (!params.isEmpty()) {
            b.append("\n**Arguments:**\n");
            for (Catalog.Param p : params) b.append("- `").append(p.name()).append("`").append(p.required() ? " (required)" : "")
                    .append(": ").append(p.type()).append("\n");
        }
        for (String n : fn.notes()) b.append("\n").append(n).append("\n");
        return b.toString();
    }

    static String param(Catalog.Function fn, Catalog.Param p) {
        StringBuilder b = new StringBuilder();
        b.append("**").append(p.name()).append("** — argument of `patients.").append(fn.name()).append("`\n\n");
        b.append("Type: `").append(p.type()).append("`");
        if (p.required()) b.append(" · required");
        else if (p.hasDefault()) b.append(" · default `").append(p.defaultText()).append("`");
        if (p.deprecated()) b.append(" · deprecated");
        b.append("\n");
        if (p.allowed() != null) b.append("\nAllowed: ").append(p.allowed().stream().map(v -> "`" + Values.pythonLiteral(v) + "`")
                .collect(Collectors.joining(", "))).append("\n");
        if (p.allowedNote() != null) b.append("\nAllowed: ").append(p.allowedNote()).append("\n");
        if (!p.systems().isEmpty()) b.append("\nCodelist system: ").append(String.join(" or ", p.systems())).append("\n");
        if (!p.doc().isEmpty()) b.append("\n").append(p.doc()).append("\n");
        return b.toString();
    }

    /** A snippet with the required arguments as placeholders. */
    static String snippet(Catalog.Function fn) {
        StringBuilder b = new StringBuilder(fn.name()).append("(");
        int n = 1;
        List<Catalog.Param> req = fn.required();
        for (int i = 0; i < req.size(); i++) {
            Catalog.Param p = req.get(i);
            if (i > 0) b.append(", ");
            String placeholder = p.type().startsWith("date_expr") ? "\"index_date\"" : p.name();
            b.append(p.name()).append("=${").append(n++).append(":").append(placeholder.replace("}", "\\}")).append("}");
        }
        if (fn.param("return_expectations").isPresent()) {
            if (!req.isEmpty()) b.append(", ");
            b.append("return_expectations=${").append(n).append(":{}}");
        }
        return b.append(")$0").toString();
    }
}
