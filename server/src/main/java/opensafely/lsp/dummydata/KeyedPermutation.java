package opensafely.lsp.dummydata;

/**
 * A random permutation of [0, size), keyed, computed one element at a time in constant memory: a small
 * Feistel network over the smallest even number of bits that covers the range, walking the cycle until the
 * result falls inside it. Gives distinct patient ids drawn from [0, 10N) without remembering the ones given,
 * and exactly k of N rows chosen (those whose image is below k) without a table of N flags.
 */
public final class KeyedPermutation {
    private static final int ROUNDS = 4;
    private final long size;
    private final long key;
    private final int halfBits;
    private final long halfMask;

    public KeyedPermutation(long size, long key) {
        if (size < 1) throw new IllegalArgumentException("size must be at least 1: " + size);
        this.size = size;
        this.key = mix(key);
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
        this.halfBits = (bits + 1) / 2; // the domain 2^(2*halfBits) < 4 * size: under 4 walks on average
        this.halfMask = (1L << halfBits) - 1;
    }

    /** The image of {@code i} in [0, size); distinct for distinct {@code i} in [0, size). */
    public long apply(long i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i + " of " + size);
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= size);
        return x;
    }

    /** Whether row {@code i} is one of exactly {@code count} rows chosen uniformly from [0, size). */
    public boolean among(long i, long count) {
        return apply(i) < count;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (mix(right ^ key ^ ((long) r << 56)) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
