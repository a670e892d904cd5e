package opensafely.lsp.dummydata;

/**
 * Draws one column's value for one patient. A source may read the patient's shared draws
 * ({@link Patient#shared}) so that columns agree (an age and a date of birth, an event after
 * registration); it must use only {@link Patient#random()} for randomness, so the same seed gives
 * the same table.
 */
@FunctionalInterface
public interface ValueSource {
    /** The value, of the Java type its column's {@link ColumnType} names, or null for missing. */
    Object draw(Patient patient);
}
