package opensafely.lsp.editor;

import opensafely.lsp.text.Range;

/** Hover text in Markdown, and the range of the word it describes. */
public record HoverInfo(String markdown, Range range) {
}
