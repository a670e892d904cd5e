package opensafely.lsp.dummydata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class KeyedPermutationTest {
    @Test
    void everySizeIsAPermutationAndKeysDiffer() {
        for (long size : new long[] {1, 2, 3, 7, 10, 255, 256, 1000, 65_537}) {
            KeyedPermutation p = new KeyedPermutation(size, 42);
            BitSet seen = new BitSet();
            for (long i = 0; i < size; i++) seen.set((int) p.apply(i));
            assertEquals(size, seen.cardinality(), "size " + size);
        }
        KeyedPermutation a = new KeyedPermutation(1000, 1);
        KeyedPermutation b = new KeyedPermutation(1000, 2);
        int same = 0;
        for (long i = 0; i < 1000; i++) if (a.apply(i) == b.apply(i)) same++;
        assertNotEquals(1000, same);
    }

    @Test
    void amongChoosesExactlyKAndSpreadsThem() {
        KeyedPermutation p = new KeyedPermutation(10_000, 7);
        int chosen = 0;
        int firstHalf = 0;
        for (long i = 0; i < 10_000; i++) {
            if (p.among(i, 2_000)) {
                chosen++;
                if (i < 5_000) firstHalf++;
            }
        }
        assertEquals(2_000, chosen);
        assertEquals(1_000, firstHalf, 100, "spread over the rows, not bunched");
    }
}
