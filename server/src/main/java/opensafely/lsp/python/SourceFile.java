package opensafely.lsp.python;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.grammar.ParsedPython;
import opensafely.lsp.grammar.PythonSource;
import opensafely.lsp.grammar.SyntaxError;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;

/** One parsed Python file: its text, line index, small syntax tree and syntax errors. */
public final class SourceFile {
    public final Path path;
    public final String text;
    public final LineIndex lines;
    public final Py.Module module;
    public final List<SyntaxError> syntaxErrors;

    private SourceFile(Path path, String text, Py.Module module, List<SyntaxError> errors) {
        this.path = path;
        this.text = text;
        this.lines = new LineIndex(text);
        this.module = module;
        this.syntaxErrors = errors;
    }

    public static SourceFile parse(Path path, String text) {
        ParsedPython parsed = PythonSource.parse(text);
        Py.Module module;
        try {
            module = PyTreeBuilder.module(parsed.tree());
        } catch (RuntimeException e) {
            module = new Py.Module(List.of());
        }
        return new SourceFile(path, text, module, parsed.errors());
    }

    /** A syntax error's place in the text (UTF-16 offsets, at least one character where the line has one). */
    public record ErrorSpan(int start, int end, String message) {
    }

    /**
     * The first few syntax errors as spans: past the first ones, error recovery mostly reports the
     * consequences of the first mistake.
     */
    public List<ErrorSpan> syntaxErrorSpans(int max) {
        List<ErrorSpan> out = new ArrayList<>();
        for (SyntaxError e : syntaxErrors) {
            if (out.size() == max) break;
            int start = lines.lineStart(e.line() - 1) + e.column();
            int end = Math.min(lines.lineEnd(e.line() - 1), start + Math.max(1, e.length()));
            out.add(new ErrorSpan(start, Math.max(start, end), "Syntax error: " + e.message()));
        }
        return out;
    }

    public Range range(int start, int end) {
        return lines.range(start, end);
    }

    public String name() {
        return path == null ? "<unsaved>" : path.getFileName().toString();
    }

    /** "common_variables.py:12" for messages about code in another file. */
    public String where(int offset) {
        return name() + ":" + (lines.position(offset).line() + 1);
    }
}
