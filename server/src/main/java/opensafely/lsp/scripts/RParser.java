package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.scripts.RLexer.Kind;
import opensafely.lsp.scripts.RLexer.Token;
import opensafely.lsp.scripts.RNode.Arg;
import opensafely.lsp.scripts.RNode.Param;

/**
 * A forgiving precedence-climbing parser for R: enough of the grammar to see calls, assignments, pipes, indexing,
 * functions and loops. Any token it cannot place is skipped, every step consumes at least one token, and nesting
 * deeper than {@link #MAX_DEPTH} is cut off, so any text parses in linear time without deep recursion.
 */
final class RParser {
    private static final int MAX_DEPTH = 200;
    private static final int POSTFIX = 16;

    private final List<Token> tokens;
    private int pos;
    private int depth;
    /** Inside ( ) and [ ] line breaks do not end an expression. */
    private boolean newlinesIgnored;

    private RParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The token at {@code i}; past the end, the final EOF. */
    private Token tok(int i) {
        return tokens.get(Math.min(i, tokens.size() - 1));
    }

    static List<RNode> parse(String text) {
        RParser p = new RParser(RLexer.tokens(text));
        return p.statements(false);
    }

    private List<RNode> statements(boolean inBlock) {
        List<RNode> out = new ArrayList<>();
        boolean saved = newlinesIgnored;
        newlinesIgnored = false;
        while (true) {
            Token t = tok(pos);
            if (t.kind() == Kind.EOF) break;
            if (t.kind() == Kind.NEWLINE || t.is(";")) {
                pos++;
                continue;
            }
            if (t.is("}")) {
                if (inBlock) break;
                pos++;
                continue;
            }
            if (t.is(")") || t.is("]") || t.is(",")) {
                pos++;
                continue;
            }
            int before = pos;
            out.add(expression(0));
            if (pos == before) pos++;
        }
        newlinesIgnored = saved;
        return out;
    }

    private Token peek() {
        if (newlinesIgnored) {
            while (tok(pos).kind() == Kind.NEWLINE) pos++;
        }
        return tok(pos);
    }

    private void skipNewlines() {
        while (tok(pos).kind() == Kind.NEWLINE) pos++;
    }

    private int lastEnd() {
        return pos == 0 ? 0 : tok(pos - 1).end();
    }

    private RNode expression(int minPower) {
        if (++depth > MAX_DEPTH) {
            depth--;
            Token t = tok(pos);
            if (t.kind() != Kind.EOF) pos++;
            return new RNode.Other(t.start(), t.end());
        }
        int links = 0; // each operator applied deepens the tree as recursion would: count it in the same bound
        try {
            RNode left = prefix();
            while (depth < MAX_DEPTH) {
                Token t = peek();
                if (t.kind() != Kind.OP) break;
                String op = t.text();
                if (op.equals("(") || op.equals("[") || op.equals("[[") || op.equals("$") || op.equals("@")) {
                    if (POSTFIX < minPower) break;
                    left = postfix(left);
                    depth++;
                    links++;
                    continue;
                }
                int power = infixPower(op);
                if (power < 0 || power < minPower) break;
                pos++;
                skipNewlines();
                boolean right = op.equals("=") || op.equals("<-") || op.equals("<<-") || op.equals("^") || op.equals("**");
                RNode r = expression(right ? power : power + 1);
                left = new RNode.Binary(op, left, r, left.start(), r.end());
                depth++;
                links++;
            }
            return left;
        } finally {
            depth -= links + 1;
        }
    }

    private static int infixPower(String op) {
        return switch (op) {
            case "?" -> 1;
            case "=", ":=" -> 2;
            case "<-", "<<-" -> 3;
            case "->", "->>" -> 4;
            case "~" -> 5;
            case "||", "|" -> 6;
            case "&&", "&" -> 7;
            case "==", "!=", "<", ">", "<=", ">=" -> 9;
            case "+", "-" -> 10;
            case "*", "/" -> 11;
            case "|>" -> 12;
            case ":" -> 13;
            case "^", "**" -> 15;
            default -> op.length() >= 2 && op.startsWith("%") && op.endsWith("%") ? 12 : -1;
        };
    }

    private RNode postfix(RNode left) {
        Token t = tok(pos++);
        switch (t.text()) {
            case "(" -> {
                List<Arg> args = arguments(")");
                return new RNode.Call(left, args, left.start(), lastEnd());
            }
            case "[", "[[" -> {
                boolean dbl = t.text().equals("[[");
                List<Arg> args = arguments("]");
                if (dbl && tok(pos).is("]")) pos++;
                return new RNode.Index(left, args, dbl, left.start(), lastEnd());
            }
            default -> {
                // $ and @: a name, a backticked name or a string
                skipNewlines();
                Token n = tok(pos);
                if (n.kind() == Kind.NAME || n.kind() == Kind.STRING) {
                    pos++;
                    int nameStart = n.start();
                    int nameEnd = n.end();
                    if (n.kind() == Kind.STRING || tokenIsBackticked(n)) {
                        nameStart++;
                        nameEnd = Math.max(nameStart, nameEnd - 1);
                    }
                    return new RNode.Dollar(left, t.text().equals("$") ? n.text() : "@" + n.text(), nameStart, nameEnd,
                            left.start(), n.end());
                }
                return new RNode.Other(left.start(), t.end());
            }
        }
    }

    private static boolean tokenIsBackticked(Token t) {
        return t.end() - t.start() == t.text().length() + 2;
    }

    /** Arguments up to the closing bracket; the bracket is consumed when present. */
    private List<Arg> arguments(String close) {
        boolean saved = newlinesIgnored;
        newlinesIgnored = true;
        List<Arg> args = new ArrayList<>();
        try {
            while (true) {
                Token t = peek();
                if (t.kind() == Kind.EOF) return args;
                if (t.is(close)) {
                    pos++;
                    return args;
                }
                if (t.is(",")) {
                    args.add(new Arg(null, null, t.start(), t.start()));
                    pos++;
                    continue;
                }
                if (t.is(")") || t.is("]") || t.is("}")) {
                    // a bracket that closes something else: leave it to the caller
                    return args;
                }
                String name = null;
                int nameStart = t.start();
                int nameEnd = t.end();
                if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING) && tok(pos + 1).is("=")) {
                    name = t.text();
                    pos += 2;
                    peek();
                }
                RNode value = null;
                Token v = peek();
                if (!v.is(",") && !v.is(close)) {
                    int before = pos;
                    value = expression(0);
                    if (pos == before) pos++;
                }
                args.add(new Arg(name, value, nameStart, nameEnd));
                Token after = peek();
                if (after.is(",")) {
                    pos++;
                    if (peek().is(close)) args.add(new Arg(null, null, after.end(), after.end()));
                }
            }
        } finally {
            newlinesIgnored = saved;
        }
    }

    private RNode prefix() {
        skipNewlinesIfIgnored();
        Token t = tok(pos);
        switch (t.kind()) {
            case STRING -> {
                pos++;
                return new RNode.Str(t.text(), t.start(), t.end());
            }
            case NUMBER -> {
                pos++;
                return new RNode.Num(t.text(), t.start(), t.end());
            }
            case NAME -> {
                pos++;
                return keywordOrName(t);
            }
            case EOF, NEWLINE -> {
                return new RNode.Other(t.start(), t.start());
            }
            default -> {
                pos++;
                return operatorPrefix(t);
            }
        }
    }

    private void skipNewlinesIfIgnored() {
        if (newlinesIgnored) skipNewlines();
    }

    private RNode keywordOrName(Token t) {
        switch (t.text()) {
            case "function" -> {
                return function(t.start(), false);
            }
            case "if" -> {
                RNode cond = parenthesised();
                RNode then = body();
                int save = pos;
                skipNewlines();
                if (tok(pos).kind() == Kind.NAME && tok(pos).text().equals("else")) {
                    pos++;
                    RNode otherwise = body();
                    return new RNode.If(cond, then, otherwise, t.start(), otherwise.end());
                }
                pos = save;
                return new RNode.If(cond, then, null, t.start(), then.end());
            }
            case "for" -> {
                if (!tok(pos).is("(")) return new RNode.Other(t.start(), t.end());
                pos++;
                boolean saved = newlinesIgnored;
                newlinesIgnored = true;
                Token var = peek();
                String name = var.kind() == Kind.NAME ? var.text() : null;
                if (name != null) pos++;
                Token in = peek();
                if (in.kind() == Kind.NAME && in.text().equals("in")) pos++;
                RNode seq = expression(0);
                if (peek().is(")")) pos++;
                newlinesIgnored = saved;
                RNode b = body();
                return new RNode.For(name, seq, b, t.start(), b.end());
            }
            case "while" -> {
                RNode cond = parenthesised();
                RNode b = body();
                return new RNode.Loop(cond, b, t.start(), b.end());
            }
            case "repeat" -> {
                RNode b = body();
                return new RNode.Loop(null, b, t.start(), b.end());
            }
            default -> {
                if (tok(pos).is("::") || tok(pos).is(":::")) {
                    Token sep = tok(pos);
                    Token n = tok(pos + 1);
                    if (n.kind() == Kind.NAME || n.kind() == Kind.STRING) {
                        pos += 2;
                        return new RNode.Name(t.text() + sep.text() + n.text(), t.start(), n.end());
                    }
                }
                return new RNode.Name(t.text(), t.start(), t.end());
            }
        }
    }

    private RNode body() {
        skipNewlines();
        return expression(2);
    }

    private RNode parenthesised() {
        if (!tok(pos).is("(")) return new RNode.Other(lastEnd(), lastEnd());
        pos++;
        boolean saved = newlinesIgnored;
        newlinesIgnored = true;
        RNode e = expression(0);
        if (peek().is(")")) pos++;
        newlinesIgnored = saved;
        return e;
    }

    private RNode function(int start, boolean bracketRead) {
        List<Param> params = new ArrayList<>();
        if (bracketRead || tok(pos).is("(")) {
            if (!bracketRead) pos++;
            for (Arg a : arguments(")")) {
                if (a.name() != null) params.add(new Param(a.name(), a.value()));
                else if (a.value() instanceof RNode.Name n) params.add(new Param(n.name(), null));
            }
        }
        RNode b = body();
        return new RNode.Function(params, b, start, b.end());
    }

    private RNode operatorPrefix(Token t) {
        switch (t.text()) {
            case "(" -> {
                boolean saved = newlinesIgnored;
                newlinesIgnored = true;
                RNode e = expression(0);
                if (peek().is(")")) pos++;
                newlinesIgnored = saved;
                return e;
            }
            case "{" -> {
                List<RNode> body = statements(true);
                if (tok(pos).is("}")) pos++;
                return new RNode.Block(body, t.start(), lastEnd());
            }
            case "\\(" -> {
                return function(t.start(), true); // `\(x)` is `function(x)`
            }
            case "-", "+" -> {
                RNode e = expression(14);
                return new RNode.Unary(t.text(), e, t.start(), e.end());
            }
            case "!" -> {
                RNode e = expression(8);
                return new RNode.Unary("!", e, t.start(), e.end());
            }
            case "~" -> {
                RNode e = expression(6);
                return new RNode.Unary("~", e, t.start(), e.end());
            }
            case "?" -> {
                RNode e = expression(2);
                return new RNode.Unary("?", e, t.start(), e.end());
            }
            default -> {
                return new RNode.Other(t.start(), t.end());
            }
        }
    }
}
