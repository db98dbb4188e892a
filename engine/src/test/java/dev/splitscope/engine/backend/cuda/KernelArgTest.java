package dev.splitscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bytes each kind of kernel argument becomes (no GPU needed: device buffers are the one case left out). */
class KernelArgTest {
    @Test
    void pointersAndLongsAreEightBytesIntsAndFloatsFour() {
        KernelArg[] a = KernelArg.of("k", new Object[] {null, 1L << 40, -3, 1.5f});
        assertArrayEquals(new KernelArg[] {new KernelArg(0L, true), new KernelArg(1L << 40, true), new KernelArg(-3, false),
                new KernelArg(Float.floatToRawIntBits(1.5f), false)}, a);
        assertEquals(-3, (int) a[2].bits());
        assertEquals(1.5f, Float.intBitsToFloat((int) a[3].bits()));
    }

    @Test
    void anUnsupportedTypeNamesTheKernelAndTheArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> KernelArg.of("rms_norm", new Object[] {1, 2.0}));
        assertTrue(e.getMessage().contains("rms_norm argument 1: unsupported type Double"), e.getMessage());
    }
}
