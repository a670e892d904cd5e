package opensafely.lsp.grammar;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * The SyntaxErrors CPython raises for code the grammar deliberately accepts (it keeps argument
 * and parameter order loose so one rule serves every position). The most common in study
 * definitions is a variable added without its name: {@code StudyDefinition(population=...,
 * patients.sex())} is "positional argument follows keyword argument".
 */
final class CompileTimeChecks extends PythonParserBaseVisitor<Void> {

    private final List<SyntaxError> errors = new ArrayList<>();

    static List<SyntaxError> of(ParseTree tree) {
        CompileTimeChecks checks = new CompileTimeChecks();
        checks.visit(tree);
        return checks.errors;
    }

    @Override
    public Void visitArglist(PythonParser.ArglistContext ctx) {
        boolean keyword = false;
        boolean kwargs = false;
        Set<String> names = new HashSet<>();
        List<PythonParser.ArgumentContext> arguments = ctx.argument();
        for (PythonParser.ArgumentContext argument : arguments) {
            if (argument instanceof PythonParser.KeywordArgumentContext named) {
                keyword = true;
                if (named.NAME() != null && !names.add(named.NAME().getText())) {
                    report(named, "keyword argument repeated: " + named.NAME().getText());
                }
            } else if (argument instanceof PythonParser.KwargsArgumentContext) {
                kwargs = true;
            } else if (argument instanceof PythonParser.StarArgumentContext) {
                if (kwargs) {
                    report(argument, "iterable argument unpacking follows keyword argument unpacking");
                }
            } else if (argument instanceof PythonParser.PositionalArgumentContext positional) {
                if (kwargs) {
                    report(argument, "positional argument follows keyword argument unpacking");
                } else if (keyword) {
                    report(argument, "positional argument follows keyword argument");
                }
                if (positional.comp_for() != null && arguments.size() > 1) {
                    report(argument, "Generator expression must be parenthesized");
                }
            }
        }
        return visitChildren(ctx);
    }

    @Override
    public Void visitTypedargslist(PythonParser.TypedargslistContext ctx) {
        boolean defaulted = false;
        for (PythonParser.Typed_paramContext param : ctx.typed_param()) {
            if (param instanceof PythonParser.PlainParamContext plain) {
                if (plain.test() != null) {
                    defaulted = true;
                } else if (defaulted) {
                    report(plain, "non-default argument follows default argument");
                }
            } else if (!(param instanceof PythonParser.PositionalOnlyMarkerContext)) {
                break; // after `*` or `*args`, parameters are keyword-only and need no default
            }
        }
        return visitChildren(ctx);
    }

    @Override
    public Void visitVarargslist(PythonParser.VarargslistContext ctx) {
        boolean defaulted = false;
        for (PythonParser.VarargContext param : ctx.vararg()) {
            if (param instanceof PythonParser.PlainLambdaParamContext plain) {
                if (plain.test() != null) {
                    defaulted = true;
                } else if (defaulted) {
                    report(plain, "non-default argument follows default argument");
                }
            } else if (!(param instanceof PythonParser.PositionalOnlyLambdaMarkerContext)) {
                break;
            }
        }
        return visitChildren(ctx);
    }

    /** Points at the construct, up to the end of its first line. */
    private void report(ParserRuleContext ctx, String message) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        int length = 0;
        if (stop != null && stop.getLine() == start.getLine() && stop.getStopIndex() >= start.getStartIndex()) {
            length = stop.getStopIndex() + 1 - start.getStartIndex();
        } else if (start.getText() != null) {
            length = start.getText().length();
        }
        errors.add(new SyntaxError(start.getLine(), start.getCharPositionInLine(), message, length));
    }
}
