package opensafely.lsp.yaml;

import opensafely.lsp.text.Range;

/**
 * A scalar and the type the YAML 1.2 core schema gives it ({@code yes} is a string, {@code 010} an int),
 * plus the timestamps that OpenSAFELY's parser also recognises.
 */
public record YamlScalar(String value, Type type, boolean plain, Range range) implements YamlNode {

    public enum Type { NULL, BOOL, INT, FLOAT, STRING, TIMESTAMP, CUSTOM_TAG }

    public boolean isNull() {
        return type == Type.NULL;
    }

    public boolean isString() {
        return type == Type.STRING;
    }

    @Override
    public String describe() {
        return switch (type) {
            case NULL -> "null";
            case BOOL -> "a boolean";
            case INT -> "an integer";
            case FLOAT -> "a number";
            case STRING -> "a string";
            case TIMESTAMP -> "a date";
            case CUSTOM_TAG -> "a tagged value";
        };
    }
}
