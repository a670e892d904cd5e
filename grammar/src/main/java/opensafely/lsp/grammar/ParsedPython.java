package opensafely.lsp.grammar;

import java.util.List;

import org.antlr.v4.runtime.CommonTokenStream;

/**
 * The outcome of {@link PythonSource#parse(String)}: always a tree, plus the problems met on the way.
 *
 * @param tree   the module; for broken input it contains error nodes but still spans the whole file
 * @param tokens every token including the hidden ones (comments, whitespace, inner newlines);
 *               offsets ({@code getStartIndex}) are UTF-16 indices into the parsed text
 * @param errors syntax errors in source order; empty for a valid file
 */
public record ParsedPython(PythonParser.File_inputContext tree, CommonTokenStream tokens, List<SyntaxError> errors) {

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
