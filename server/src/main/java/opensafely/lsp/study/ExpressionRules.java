package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.study.ExpressionTokens.Kind;
import opensafely.lsp.study.ExpressionTokens.Token;
import opensafely.lsp.study.Value.Origin;

/** The expression strings of satisfying / categorised_as / care_home_status_as_of(categorised_as=...). */
final class ExpressionRules {
    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT");
    private static final Set<String> CARE_HOME = Set.of("IsPotentialCareHome", "LocationRequiresNursing", "LocationDoesNotRequireNursing");

    /** SQL keywords that are also Python keywords, left out of the reserved-word table but still disallowed. */
    private static final Set<String> PYTHON_KEYWORDS = Set.of("in", "is", "else", "from", "as", "for", "if", "with", "while",
            "def", "class", "return", "import", "lambda", "global", "pass", "break", "continue", "try", "except", "finally", "raise",
            "del", "assert", "yield", "none", "true", "false");

    private final StudyContext ctx;
    private final StudyModel.Variable var;
    private final Value.Call call;
    private final Origin anchor;
    private final boolean first;

    ExpressionRules(StudyContext ctx, StudyModel.Variable var, Value.Call call, Origin anchor, boolean first) {
        this.ctx = ctx;
        this.var = var;
        this.call = call;
        this.anchor = anchor;
        this.first = first;
    }

    void check(Catalog.Function fn) {
        switch (fn.name()) {
            case "satisfying" -> {
                Value e = call.positional().isEmpty() ? call.arg("expression") : call.positional().get(0);
                if (e instanceof Value.Str s) expression(s, false);
            }
            case "categorised_as" -> categories(call.positional().isEmpty() ? call.arg("category_definitions") : call.positional().get(0), false);
            case "care_home_status_as_of" -> {
                Value defs = call.arg("categorised_as");
                if (defs == null && call.positional().size() > 1) defs = call.positional().get(1);
                if (defs != null && !(defs instanceof Value.None)) categories(defs, true);
            }
            default -> {
            }
        }
    }

    private void report(Rule rule, Origin at, String msg, Fix... fixes) {
        if (first || at == null || at.file() != ctx.doc) ctx.report(rule, at, anchor, msg, fixes);
    }

    private void categories(Value defs, boolean careHome) {
        if (!(defs instanceof Value.DictV d)) return;
        int defaults = 0;
        Set<String> keyTypes = new HashSet<>();
        for (Value.Entry e : d.entries) {
            Value k = e.key();
            if (k instanceof Value.Bool) {
                report(Rule.STUDY_CATEGORIES, e.keyOrigin(), "Category keys cannot be True/False; use 1 and 0.");
            } else if (k instanceof Value.Num n) {
                keyTypes.add(n.integer() ? "int" : "float");
            } else if (k instanceof Value.Str) {
                keyTypes.add("str");
            }
            if (keyTypes.size() > 1) {
                report(Rule.STUDY_CATEGORIES, e.keyOrigin(), "Category keys must all be of one type (found " + String.join(" and ", keyTypes) + ").");
                keyTypes.clear();
                keyTypes.add("mixed");
            }
            if (e.value() instanceof Value.Str s) {
                if (s.value().equals("DEFAULT")) {
                    if (++defaults == 2) report(Rule.STUDY_CATEGORIES, s.origin(), "At most one category can be \"DEFAULT\".");
                } else {
                    expression(s, careHome);
                }
            }
        }
        if (defaults == 0 && d.complete && !d.entries.isEmpty()) {
            report(Rule.STUDY_CATEGORIES, defs.origin(), "One category must have the definition \"DEFAULT\" (for everyone else).");
        }
    }

    /** Where characters [start, end) of an expression string are in the source. */
    private static Origin sub(Value.Str s, int start, int end) {
        if (s.contentStart() < 0 || s.origin() == null) return s.origin();
        return new Origin(s.origin().file(), s.contentStart() + start, s.contentStart() + end);
    }

    private void expression(Value.Str s, boolean careHome) {
        String text = s.value();
        List<Token> tokens = ExpressionTokens.of(text);
        List<Token> structural = new ArrayList<>();
        boolean bad = false;
        for (Token t : tokens) {
            switch (t.kind()) {
                case BAD -> {
                    bad = true;
                    String hint = t.text().equals("==") ? " Use = to compare." : t.text().equals("<>") ? " Use != ." : "";
                    report(Rule.STUDY_EXPRESSION_SYNTAX, sub(s, t.start(), t.end()), "'" + t.text() + "' is not allowed in an expression." + hint);
                }
                case STRING -> {
                    String inner = t.text().substring(1, t.text().length() - 1);
                    if (!inner.matches("^[a-zA-Z0-9_ <>=~]*$")) {
                        report(Rule.STUDY_EXPRESSION_SYNTAX, sub(s, t.start(), t.end()),
                                "String literals in expressions may only contain letters, digits, underscore, space and < > = ~.");
                    } else if (inner.length() > 64) {
                        report(Rule.STUDY_EXPRESSION_SYNTAX, sub(s, t.start(), t.end()), "String literals must be 64 characters or less.");
                    }
                    structural.add(t);
                }
                case NAME -> {
                    String up = t.text().toUpperCase(Locale.ROOT);
                    if (KEYWORDS.contains(t.text())) {
                        structural.add(new Token(Kind.OPERATOR, t.text(), t.start(), t.end()));
                    } else if (KEYWORDS.contains(up)) {
                        Origin at = sub(s, t.start(), t.end());
                        Fix[] fixes = s.contentStart() >= 0 && at.file() == ctx.doc
                                ? new Fix[] {Fix.replace("Change to " + up, at.range(), up)} : new Fix[0];
                        report(Rule.STUDY_EXPRESSION_LOWERCASE, at, "Write '" + up + "' in capitals: cohort-extractor rejects '" + t.text() + "'.", fixes);
                        structural.add(new Token(Kind.OPERATOR, up, t.start(), t.end()));
                    } else {
                        name(s, t, careHome);
                        structural.add(t);
                    }
                }
                default -> structural.add(t);
            }
        }
        if (!bad) structure(s, structural);
    }

    private void name(Value.Str s, Token t, boolean careHome) {
        String n = t.text();
        Origin at = sub(s, t.start(), t.end());
        if (careHome) {
            if (!CARE_HOME.contains(n)) {
                report(Rule.STUDY_EXPRESSION_UNKNOWN_VARIABLE, at, "care_home_status_as_of expressions can only use IsPotentialCareHome, "
                        + "LocationRequiresNursing and LocationDoesNotRequireNursing." + DidYouMean.suffix(DidYouMean.closest(n, CARE_HOME)));
            }
            return;
        }
        StudyModel model = ctx.model;
        boolean isVariable = model.byName.containsKey(n);
        if (ctx.catalog.reservedWords.contains(n.toLowerCase(Locale.ROOT)) || PYTHON_KEYWORDS.contains(n.toLowerCase(Locale.ROOT))) {
            if (isVariable) {
                report(Rule.STUDY_EXPRESSION_RESERVED_WORD, at, "'" + n + "' is an SQL word to cohort-extractor, so the variable cannot be "
                        + "used in expressions; rename it (e.g. '" + n + "_value').");
            } else {
                report(Rule.STUDY_EXPRESSION_SYNTAX, at, "'" + n + "' is not allowed in an expression (only variable names, numbers, strings, "
                        + "AND, OR, NOT, comparisons and arithmetic).");
            }
            return;
        }
        if (model.before(n, var.order()) != null) return;
        if (isVariable) {
            report(Rule.STUDY_EXPRESSION_FORWARD_REFERENCE, at, "'" + n + "' is defined after '" + var.name()
                    + "'; only population may use variables defined later.");
        } else if (!model.open && !model.env.openStarImport) {
            var sug = DidYouMean.closest(n, model.byName.keySet());
            Fix[] fixes = sug.isPresent() && s.contentStart() >= 0 && at.file() == ctx.doc
                    ? new Fix[] {Fix.replace("Change to '" + sug.get() + "'", at.range(), sug.get())} : new Fix[0];
            report(Rule.STUDY_EXPRESSION_UNKNOWN_VARIABLE, at, "There is no variable '" + n + "' defined before '" + var.name() + "'."
                    + DidYouMean.suffix(sug), fixes);
        }
    }

    /** operand (operator operand)*, with NOT and unary minus, and balanced parentheses. */
    private void structure(Value.Str s, List<Token> tokens) {
        int[] pos = {0};
        String error = operandSequence(tokens, pos, 0);
        if (error == null && pos[0] < tokens.size()) error = "Unexpected '" + tokens.get(pos[0]).text() + "'.";
        if (error == null) return;
        Token t = pos[0] < tokens.size() ? tokens.get(pos[0]) : null;
        Origin at = t == null ? s.origin() : sub(s, t.start(), t.end());
        report(Rule.STUDY_EXPRESSION_SYNTAX, at, "Invalid expression: " + error);
    }

    private static String operandSequence(List<Token> ts, int[] pos, int depth) {
        while (true) {
            String e = operand(ts, pos, depth);
            if (e != null) return e;
            if (pos[0] >= ts.size()) return null;
            Token t = ts.get(pos[0]);
            if (t.kind() == Kind.RPAREN) return depth > 0 ? null : "Unbalanced ')'.";
            if (t.kind() != Kind.OPERATOR || t.text().equals("NOT")) return "Expected an operator (AND, OR, =, >...) before '" + t.text() + "'.";
            pos[0]++;
        }
    }

    private static String operand(List<Token> ts, int[] pos, int depth) {
        while (pos[0] < ts.size() && (ts.get(pos[0]).text().equals("NOT") || ts.get(pos[0]).text().equals("-") || ts.get(pos[0]).text().equals("+"))) {
            pos[0]++;
        }
        if (pos[0] >= ts.size()) return "The expression ends where a value is expected.";
        Token t = ts.get(pos[0]);
        switch (t.kind()) {
            case NAME, NUMBER, STRING -> {
                pos[0]++;
                return null;
            }
            case LPAREN -> {
                pos[0]++;
                String e = operandSequence(ts, pos, depth + 1);
                if (e != null) return e;
                if (pos[0] >= ts.size() || ts.get(pos[0]).kind() != Kind.RPAREN) return "Missing ')'.";
                pos[0]++;
                return null;
            }
            default -> {
                return "Expected a value before '" + t.text() + "'.";
            }
        }
    }
}
