package opensafely.lsp.yaml;

import opensafely.lsp.text.Range;

/**
 * A YAML node with its place in the text. Aliases are resolved (an alias yields the anchored node,
 * with the anchor's range) and merge keys are expanded, so rules see what OpenSAFELY validates.
 */
public sealed interface YamlNode permits YamlMapping, YamlSequence, YamlScalar {
    Range range();

    /** A short description of the kind of value, for messages ("a list", "a string"). */
    String describe();
}
