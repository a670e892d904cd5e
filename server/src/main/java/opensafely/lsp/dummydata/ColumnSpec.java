package opensafely.lsp.dummydata;

import java.util.List;
import java.util.Objects;

/**
 * One column of a table to generate: its name as written in the header, its type, and how its values are drawn.
 *
 * @param categories for a {@link ColumnType#STRING} column whose values are a known set: those values, in order
 *     (Arrow writes the column dictionary-encoded, as ehrQL and pandas do for categories); empty otherwise. A
 *     value outside the set is an error when writing Arrow.
 * @param nullable whether the column may hold missing values (Arrow's field nullability)
 * @param dateFormat how a {@link ColumnType#DATE} is spelled in CSV: {@code YYYY-MM-DD} (ISO, the default),
 *     {@code YYYY-MM} or {@code YYYY} (cohort-extractor's date_format); binary formats keep the date itself
 */
public record ColumnSpec(String name, ColumnType type, ValueSource source, List<String> categories, boolean nullable,
                         String dateFormat) {
    public static final String ISO = "YYYY-MM-DD";

    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        categories = categories == null ? List.of() : List.copyOf(categories);
        dateFormat = dateFormat == null ? ISO : dateFormat;
        if (!List.of(ISO, "YYYY-MM", "YYYY").contains(dateFormat)) throw new IllegalArgumentException("date format " + dateFormat);
    }

    /** A nullable column with no known categories, dates in ISO. */
    public ColumnSpec(String name, ColumnType type, ValueSource source) {
        this(name, type, source, List.of(), true, ISO);
    }

    public ColumnSpec withCategories(List<String> values) {
        return new ColumnSpec(name, type, source, values, nullable, dateFormat);
    }

    public ColumnSpec withNullable(boolean canBeMissing) {
        return new ColumnSpec(name, type, source, categories, canBeMissing, dateFormat);
    }

    public ColumnSpec withDateFormat(String format) {
        return new ColumnSpec(name, type, source, categories, nullable, format);
    }
}
