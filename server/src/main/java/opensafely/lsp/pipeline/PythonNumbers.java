package opensafely.lsp.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import opensafely.lsp.yaml.YamlScalar;

/**
 * Python's {@code float()} and {@code int()} applied to YAML values, because OpenSAFELY converts
 * {@code version} and {@code population_size} with them and a port must accept exactly what they accept.
 */
final class PythonNumbers {
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?(?:[0-9](?:_?[0-9])*(?:\\.(?:[0-9](?:_?[0-9])*)?)?|\\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?");
    private static final Pattern SPECIAL = Pattern.compile("[+-]?(?:inf|infinity|nan)");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9](?:_?[0-9])*");

    private PythonNumbers() {
    }

    /** {@code float(value)}, or empty where Python raises. */
    static OptionalDouble toFloat(YamlScalar s) {
        return switch (s.type()) {
            case BOOL -> OptionalDouble.of(s.value().equalsIgnoreCase("true") ? 1.0 : 0.0);
            case INT -> yamlInt(s.value()).map(i -> OptionalDouble.of(i.doubleValue())).orElse(OptionalDouble.empty());
            case FLOAT -> yamlFloat(s.value());
            case STRING -> floatOfString(s.value());
            default -> OptionalDouble.empty();
        };
    }

    /** {@code int(value)}, or empty where Python raises (infinity included: Python overflows there). */
    static Optional<BigInteger> toInt(YamlScalar s) {
        switch (s.type()) {
            case BOOL:
                return Optional.of(s.value().equalsIgnoreCase("true") ? BigInteger.ONE : BigInteger.ZERO);
            case INT:
                return yamlInt(s.value());
            case FLOAT: {
                OptionalDouble d = yamlFloat(s.value());
                if (d.isEmpty() || Double.isNaN(d.getAsDouble()) || Double.isInfinite(d.getAsDouble())) {
                    return Optional.empty();
                }
                return Optional.of(new BigDecimal(d.getAsDouble()).toBigInteger());
            }
            case STRING: {
                String t = s.value().strip();
                if (!INTEGER.matcher(t).matches()) return Optional.empty();
                return Optional.of(new BigInteger(t.replace("_", "")));
            }
            default:
                return Optional.empty();
        }
    }

    static OptionalDouble floatOfString(String text) {
        String t = text.strip();
        if (SPECIAL.matcher(t.toLowerCase(Locale.ROOT)).matches()) {
            String l = t.toLowerCase(Locale.ROOT);
            boolean neg = l.startsWith("-");
            if (l.contains("nan")) return OptionalDouble.of(Double.NaN);
            return OptionalDouble.of(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (!DECIMAL.matcher(t).matches()) return OptionalDouble.empty();
        try {
            return OptionalDouble.of(Double.parseDouble(t.replace("_", "")));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    private static Optional<BigInteger> yamlInt(String v) {
        String t = v.replace("_", "");
        boolean neg = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) t = t.substring(1);
        try {
            BigInteger i;
            if (t.startsWith("0o")) i = new BigInteger(t.substring(2), 8);
            else if (t.startsWith("0x")) i = new BigInteger(t.substring(2), 16);
            else i = new BigInteger(t);
            return Optional.of(neg ? i.negate() : i);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static OptionalDouble yamlFloat(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        if (l.endsWith(".inf")) return OptionalDouble.of(l.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        if (l.equals(".nan")) return OptionalDouble.of(Double.NaN);
        try {
            return OptionalDouble.of(Double.parseDouble(v.replace("_", "")));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** Python's repr of a float, as upstream prints versions ("4.0", "inf"). */
    static String repr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return (long) d + ".0";
        String s = Double.toString(d);
        return s.replace("E", "e");
    }
}
