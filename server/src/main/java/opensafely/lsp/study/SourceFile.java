package opensafely.lsp.study;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.grammar.ParsedPython;
import opensafely.lsp.grammar.PythonSource;
import opensafely.lsp.grammar.SyntaxError;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;

/** One parsed Python file: its text, line index, small syntax tree and syntax errors. */
final class SourceFile {
    final Path path;
    final String text;
    final LineIndex lines;
    final Py.Module module;
    final List<SyntaxError> syntaxErrors;

    private SourceFile(Path path, String text, Py.Module module, List<SyntaxError> errors) {
        this.path = path;
        this.text = text;
        this.lines = new LineIndex(text);
        this.module = module;
        this.syntaxErrors = errors;
    }

    static SourceFile parse(Path path, String text) {
        ParsedPython parsed = PythonSource.parse(text);
        Py.Module module;
        try {
            module = PyTreeBuilder.module(parsed.tree());
        } catch (RuntimeException e) {
            module = new Py.Module(List.of());
        }
        return new SourceFile(path, text, module, parsed.errors());
    }

    Range range(int start, int end) {
        return lines.range(start, end);
    }

    String name() {
        return path == null ? "<unsaved>" : path.getFileName().toString();
    }

    /** "common_variables.py:12" for messages about code in another file. */
    String where(int offset) {
        return name() + ":" + (lines.position(offset).line() + 1);
    }
}
