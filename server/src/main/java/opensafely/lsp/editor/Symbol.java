package opensafely.lsp.editor;

import java.util.List;
import opensafely.lsp.text.Range;

/** An outline entry: an action, a variable, a codelist. */
public record Symbol(String name, String detail, Kind kind, Range range, Range selectionRange, List<Symbol> children) {
    public enum Kind { ACTION, KEY, VARIABLE, FUNCTION, CONSTANT, MODULE }
}
