package opensafely.lsp.dummydata;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The draws of one row: its index (0-based), a random stream of its own (derived from the table's seed
 * and the index, so rows do not depend on each other and a table can be made in any batch size), and
 * values shared by its columns, each drawn once on first use.
 */
public final class Patient {
    private final long index;
    private final SplittableRandom random;
    /** Made on first use: most rows of most tables share nothing, and a map per row is garbage that sizes the heap. */
    private Map<String, Object> shared;

    public Patient(long seed, long index) {
        this.index = index;
        // SplitMix64's mixing of seed and index: neighbouring rows get unrelated streams.
        this.random = new SplittableRandom(mix(seed ^ mix(index + 0x9E3779B97F4A7C15L)));
    }

    public long index() {
        return index;
    }

    public SplittableRandom random() {
        return random;
    }

    /** The value shared under {@code key}, made by {@code make} the first time a column asks for it. */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Function<Patient, T> make) {
        if (shared == null) shared = new HashMap<>(8);
        Object v = shared.get(key);
        if (v == null && !shared.containsKey(key)) {
            v = make.apply(this);
            shared.put(key, v);
        }
        return (T) v;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
