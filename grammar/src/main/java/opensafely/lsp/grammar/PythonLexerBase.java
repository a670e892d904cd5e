package opensafely.lsp.grammar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;

/**
 * Turns the raw token stream of {@link PythonLexer} into the one Python's parser sees.
 *
 * <ul>
 *   <li>A NEWLINE reaches the parser only where it ends a logical line: those inside brackets and
 *       those ending blank or comment-only lines go to the hidden channel.</li>
 *   <li>The first token of each logical line is compared with the stack of indentation widths
 *       (tabs advance to the next multiple of 8, as in CPython) and INDENT / DEDENT tokens are
 *       inserted before it.</li>
 *   <li>At end of input a missing final NEWLINE and every still-open DEDENT are supplied, also when
 *       a bracket was never closed, so a half-typed file still yields a complete tree.</li>
 *   <li>The soft keywords {@code match} and {@code case} become MATCH / CASE when they start a
 *       logical line that ends with a colon (which no expression statement can do).</li>
 *   <li>Unterminated strings and stray characters are reported to the error listeners; the former
 *       continue as STRING, the latter are hidden.</li>
 * </ul>
 */
public abstract class PythonLexerBase extends Lexer {

    private static final int TAB_SIZE = 8;

    /** Tokens already processed and waiting to be handed out. */
    private final Deque<Token> pending = new ArrayDeque<>();
    /** Raw tokens read ahead while deciding whether {@code match}/{@code case} is a keyword. */
    private final Deque<Token> lookahead = new ArrayDeque<>();
    private final Deque<Integer> indents = new ArrayDeque<>();
    /** Depths of the indentation stack at which open match statements have their case clauses. */
    private final Deque<Integer> caseLevels = new ArrayDeque<>();
    private int bracketDepth;
    /** True until the current logical line has produced a visible token. */
    private boolean atLineStart = true;
    private boolean finished;
    /** The first newline hidden because brackets were open since the last visible token. */
    private Token newlineInBrackets;

    /** Keywords that only ever start a statement, so never appear inside brackets in valid code. */
    private static final java.util.Set<Integer> STATEMENT_ONLY = java.util.Set.of(
        PythonLexer.DEF, PythonLexer.CLASS, PythonLexer.RETURN, PythonLexer.PASS, PythonLexer.RAISE,
        PythonLexer.DEL, PythonLexer.GLOBAL, PythonLexer.NONLOCAL, PythonLexer.ASSERT, PythonLexer.TRY,
        PythonLexer.WHILE, PythonLexer.WITH, PythonLexer.BREAK, PythonLexer.CONTINUE, PythonLexer.ELIF,
        PythonLexer.EXCEPT, PythonLexer.FINALLY, PythonLexer.IMPORT);

    protected PythonLexerBase(CharStream input) {
        super(input);
    }

    @Override
    public void reset() {
        pending.clear();
        lookahead.clear();
        indents.clear();
        caseLevels.clear();
        bracketDepth = 0;
        atLineStart = true;
        finished = false;
        newlineInBrackets = null;
        super.reset();
    }

    @Override
    public Token nextToken() {
        while (pending.isEmpty()) {
            process(rawToken());
        }
        return pending.poll();
    }

    private Token rawToken() {
        return lookahead.isEmpty() ? super.nextToken() : lookahead.poll();
    }

    private void process(Token token) {
        switch (token.getType()) {
            case Token.EOF -> finish(token);
            case PythonLexer.NEWLINE -> {
                if (bracketDepth > 0) {
                    hide(token);
                    if (newlineInBrackets == null) {
                        newlineInBrackets = token;
                    }
                } else if (atLineStart) {
                    hide(token);
                } else {
                    atLineStart = true;
                    pending.add(token);
                }
            }
            case PythonLexer.UNTERMINATED_STRING -> {
                report(token, "unterminated string literal");
                ((CommonToken) token).setType(PythonLexer.STRING);
                visible(token);
            }
            case PythonLexer.ERROR_CHAR -> {
                report(token, "invalid character '" + token.getText() + "'");
                hide(token);
            }
            default -> {
                if (token.getChannel() != Token.DEFAULT_CHANNEL) {
                    pending.add(token);
                } else {
                    visible(token);
                }
            }
        }
    }

    /** A token the parser will see: indentation first, then bracket depth. */
    private void visible(Token token) {
        if (newlineInBrackets != null && STATEMENT_ONLY.contains(token.getType())) {
            // `def`, `import`, `return`... cannot stand inside brackets: a bracket above was left
            // open (the user is typing). End the logical line there instead of swallowing the rest
            // of the file into one broken expression; the parser reports the missing bracket.
            pending.add(layoutToken(PythonLexer.NEWLINE, newlineInBrackets));
            bracketDepth = 0;
            atLineStart = true;
        }
        newlineInBrackets = null;
        if (atLineStart) {
            atLineStart = false;
            if (bracketDepth == 0) {
                indent(token);
                promoteSoftKeyword(token);
            }
        }
        switch (token.getType()) {
            case PythonLexer.LPAR, PythonLexer.LSQB, PythonLexer.LBRACE -> bracketDepth++;
            case PythonLexer.RPAR, PythonLexer.RSQB, PythonLexer.RBRACE -> {
                // A stray closing bracket must not make later newlines look nested.
                if (bracketDepth > 0) {
                    bracketDepth--;
                }
            }
            default -> { }
        }
        pending.add(token);
    }

    private void indent(Token first) {
        int width = indentationWidth(first);
        int current = indents.isEmpty() ? 0 : indents.peek();
        if (width > current) {
            indents.push(width);
            pending.add(layoutToken(PythonLexer.INDENT, first));
            return;
        }
        while (width < current) {
            indents.pop();
            pending.add(layoutToken(PythonLexer.DEDENT, first));
            current = indents.isEmpty() ? 0 : indents.peek();
        }
        if (width > current) {
            // Dedent to a width no enclosing block uses; CPython rejects it. Treat the line as
            // belonging to the enclosing block so the rest of the file keeps its structure.
            report(first, "unindent does not match any outer indentation level");
        }
    }

    /** Width of the whitespace between the start of {@code first}'s line and {@code first}. */
    private int indentationWidth(Token first) {
        int start = first.getStartIndex() - first.getCharPositionInLine();
        if (start < 0 || first.getCharPositionInLine() == 0) {
            return 0;
        }
        String prefix = _input.getText(Interval.of(start, first.getStartIndex() - 1));
        int width = 0;
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '\t') {
                width = (width / TAB_SIZE + 1) * TAB_SIZE;
            } else if (c == '\f') {
                width = 0;
            } else {
                width++;
            }
        }
        return width;
    }

    /**
     * {@code match x:} / {@code case [a, b]: ...} open blocks; {@code match = 1} or {@code case(x)}
     * are ordinary statements. Read ahead to the end of the logical line and look: a match
     * statement is the only line starting with the word that ends with a colon; a case clause
     * stands directly inside a match block and has a colon outside brackets after its pattern.
     */
    private void promoteSoftKeyword(Token first) {
        while (!caseLevels.isEmpty() && caseLevels.peek() > indents.size()) {
            caseLevels.pop();
        }
        if (first.getType() != PythonLexer.NAME) {
            return;
        }
        boolean match = first.getText().equals("match");
        boolean isCase = first.getText().equals("case")
            && !caseLevels.isEmpty() && caseLevels.peek() == indents.size();
        if (!match && !isCase) {
            return;
        }
        Token next = null;
        Token last = null;
        boolean topLevelColon = false;
        int depth = 0;
        for (Token t : readLogicalLineAhead()) {
            if (t.getChannel() != Token.DEFAULT_CHANNEL || t.getType() == PythonLexer.NEWLINE
                    || t.getType() == Token.EOF) {
                continue;
            }
            if (next == null) {
                next = t;
            } else if (depth == 0 && t.getType() == PythonLexer.COLON) {
                topLevelColon = true;
            }
            depth = track(depth, t);
            last = t;
        }
        if (next == null || next.getType() == PythonLexer.COLON || next.getType() == PythonLexer.EQUAL
                || next.getType() == PythonLexer.DOT) {
            return;
        }
        if (match && last.getType() == PythonLexer.COLON) {
            ((CommonToken) first).setType(PythonLexer.MATCH);
            caseLevels.push(indents.size() + 1);
        } else if (isCase && topLevelColon) {
            ((CommonToken) first).setType(PythonLexer.CASE);
        }
    }

    /** Raw tokens after the current one up to the end of its logical line (kept for later). */
    private List<Token> readLogicalLineAhead() {
        List<Token> line = new ArrayList<>(lookahead);
        int depth = 0;
        for (Token t : lookahead) {
            depth = track(depth, t);
        }
        while (true) {
            if (!line.isEmpty()) {
                Token tail = line.get(line.size() - 1);
                if (tail.getType() == Token.EOF || tail.getType() == PythonLexer.NEWLINE && depth == 0) {
                    break;
                }
            }
            Token t = super.nextToken();
            lookahead.add(t);
            line.add(t);
            depth = track(depth, t);
        }
        return line;
    }

    private static int track(int depth, Token t) {
        return switch (t.getType()) {
            case PythonLexer.LPAR, PythonLexer.LSQB, PythonLexer.LBRACE -> depth + 1;
            case PythonLexer.RPAR, PythonLexer.RSQB, PythonLexer.RBRACE -> Math.max(0, depth - 1);
            default -> depth;
        };
    }

    private void finish(Token eof) {
        if (!finished) {
            finished = true;
            if (!atLineStart) {
                pending.add(layoutToken(PythonLexer.NEWLINE, eof));
            }
            while (!indents.isEmpty()) {
                indents.pop();
                pending.add(layoutToken(PythonLexer.DEDENT, eof));
            }
            atLineStart = true;
        }
        pending.add(eof);
    }

    private void hide(Token token) {
        ((CommonToken) token).setChannel(Token.HIDDEN_CHANNEL);
        pending.add(token);
    }

    /** A zero-width token placed where {@code at} starts. */
    private CommonToken layoutToken(int type, Token at) {
        CommonToken token = new CommonToken(_tokenFactorySourcePair, type, Token.DEFAULT_CHANNEL,
            at.getStartIndex(), at.getStartIndex() - 1);
        token.setLine(at.getLine());
        token.setCharPositionInLine(at.getCharPositionInLine());
        token.setText("");
        return token;
    }

    private void report(Token token, String message) {
        getErrorListenerDispatch().syntaxError(this, token, token.getLine(),
            token.getCharPositionInLine(), message, null);
    }
}
