package opensafely.lsp.outputs;

import java.math.BigDecimal;

/**
 * Airlock's summary of one CSV column (tooling spec §4.4), computed in one pass without keeping the values.
 *
 * @param type integer, float, text, mixed, or empty (no value other than missing and redacted)
 * @param min the smallest number, null unless the column is numeric
 * @param minNonZero the smallest non-zero absolute value (a checker flags 1..7), null if none
 * @param divisibleBy5 whether every number is a multiple of 5 (null unless numeric)
 * @param divisibleBy6 whether every number is a multiple of 6
 * @param midpoint6 whether every number is on the midpoint-6 scheme: 0, or 3 more than a multiple of 6
 * @param values how many cells hold a number or text; {@code integral} how many of them are whole numbers,
 *     {@code nonZero} how many are numbers other than 0, and {@code nonZeroMultiplesOf5} how many of those are multiples of 5
 */
public record ColumnSummary(String name, String type, BigDecimal min, BigDecimal minNonZero, BigDecimal max, BigDecimal sum,
                            Boolean divisibleBy5, Boolean divisibleBy6, Boolean midpoint6, int values, int missing, int redacted,
                            int integral, int nonZero, int nonZeroMultiplesOf5) {

    public boolean numeric() {
        return type.equals("integer") || type.equals("float");
    }

    /** Accumulates the summary of one column while the rows stream past. */
    static final class Builder {
        private static final BigDecimal FIVE = BigDecimal.valueOf(5);
        private static final BigDecimal SIX = BigDecimal.valueOf(6);
        private static final BigDecimal THREE = BigDecimal.valueOf(3);
        private final String name;
        private int integers;
        private int floats;
        private int texts;
        private int missing;
        private int redacted;
        private int integral;
        private int nonZero;
        private int nonZeroBy5;
        private BigDecimal min;
        private BigDecimal minNonZero;
        private BigDecimal max;
        private BigDecimal sum = BigDecimal.ZERO;
        private boolean by5 = true;
        private boolean by6 = true;
        private boolean mid6 = true;

        Builder(String name) {
            this.name = name;
        }

        void add(CellValue v) {
            switch (v.kind()) {
                case MISSING -> missing++;
                case REDACTED -> redacted++;
                case TEXT -> texts++;
                case INTEGER, FLOAT -> {
                    if (v.kind() == CellValue.Kind.INTEGER) integers++;
                    else floats++;
                    BigDecimal x = v.number();
                    if (v.integral()) integral++;
                    if (x.signum() != 0) {
                        nonZero++;
                        if (multiple(x, FIVE)) nonZeroBy5++;
                    }
                    min = min == null || x.compareTo(min) < 0 ? x : min;
                    max = max == null || x.compareTo(max) > 0 ? x : max;
                    if (x.signum() != 0) {
                        BigDecimal abs = x.abs();
                        minNonZero = minNonZero == null || abs.compareTo(minNonZero) < 0 ? abs : minNonZero;
                    }
                    if (sum.precision() < 60) sum = sum.add(x);
                    by5 &= multiple(x, FIVE);
                    by6 &= multiple(x, SIX);
                    mid6 &= x.signum() == 0 || multiple(x.subtract(THREE), SIX);
                }
                default -> { }
            }
        }

        private static boolean multiple(BigDecimal x, BigDecimal of) {
            return x.remainder(of).signum() == 0;
        }

        ColumnSummary build() {
            int numbers = integers + floats;
            String type = numbers + texts == 0 ? "empty"
                    : texts == 0 ? (floats == 0 ? "integer" : "float")
                    : numbers == 0 ? "text" : "mixed";
            boolean numeric = texts == 0 && numbers > 0;
            return new ColumnSummary(name, type, numeric ? min : null, numeric ? minNonZero : null, numeric ? max : null,
                    numeric ? sum : null, numeric ? by5 : null, numeric ? by6 : null, numeric ? mid6 : null,
                    numbers + texts, missing, redacted, integral, nonZero, nonZeroBy5);
        }
    }
}
