package dev.splitscope.engine.quant;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** quantize -> dequantize on seeded random data stays within each format's error bound. */
class QuantRoundTripTest {
    private static final int N = 256 * 64;

    /** Gaussian weights with a few outliers, as real weight rows have. */
    private static float[] data(long seed) {
        Random r = new Random(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) x[i] = (float) (r.nextGaussian() * 0.02);
        for (int i = 0; i < N / 97; i++) x[r.nextInt(N)] *= 8f;
        for (int i = 0; i < 256; i++) x[i] = 0f;          // an all-zero super-block
        for (int i = 256; i < 512; i++) x[i] = -0.375f;   // a constant super-block
        for (int i = 512; i < 768; i++) x[i] = 0.001f * (i - 600); // a ramp
        return x;
    }

    private static float[] roundTrip(QuantType t, float[] x) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(t.bytesFor(x.length) + 3);
            QuantCodecs.quantize(t, x, 0, x.length, seg, 3); // an odd offset: codecs must not assume alignment
            float[] y = new float[x.length];
            QuantCodecs.dequantize(t, seg, 3, y, 0, y.length);
            return y;
        }
    }

    /** Worst per-block RMS error divided by the block's largest magnitude. */
    private static double worstRelativeRms(float[] x, float[] y, int block) {
        double worst = 0;
        for (int b = 0; b < x.length; b += block) {
            double se = 0, amax = 0;
            for (int i = b; i < b + block; i++) {
                se += (x[i] - y[i]) * (double) (x[i] - y[i]);
                amax = Math.max(amax, Math.abs(x[i]));
            }
            double rms = Math.sqrt(se / block);
            worst = Math.max(worst, amax == 0 ? rms : rms / amax);
        }
        return worst;
    }

    @Test
    void q8_0ErrorIsHalfAStepPlusScaleRounding() {
        float[] x = data(1), y = roundTrip(QuantType.Q8_0, x);
        for (int b = 0; b < N; b += 32) {
            float amax = 0f;
            for (int i = b; i < b + 32; i++) amax = Math.max(amax, Math.abs(x[i]));
            for (int i = b; i < b + 32; i++)
                assertTrue(Math.abs(x[i] - y[i]) <= 0.57f * amax / 127f, "Q8_0 value " + i);
        }
    }

    @Test
    void q4_0ErrorIsAtMostOneStep() {
        float[] x = data(2), y = roundTrip(QuantType.Q4_0, x);
        for (int b = 0; b < N; b += 32) {
            float amax = 0f;
            for (int i = b; i < b + 32; i++) amax = Math.max(amax, Math.abs(x[i]));
            // the value of largest magnitude maps to -8; one of the opposite sign is clipped to +7: one step off
            for (int i = b; i < b + 32; i++)
                assertTrue(Math.abs(x[i] - y[i]) <= 1.01f * amax / 8f, "Q4_0 value " + i);
        }
        assertTrue(worstRelativeRms(x, y, 32) < 0.1);
    }

    @Test
    void q4_kStaysWithinBound() {
        float[] x = data(3), y = roundTrip(QuantType.Q4_K, x);
        double rel = worstRelativeRms(x, y, 256);
        System.out.printf("Q4_K worst block RMS error / block absmax = %.4f%n", rel);
        assertTrue(rel < 0.05, "Q4_K relative RMS " + rel);
        for (int i = 0; i < 256; i++) assertEquals(0f, y[i], 0f); // -0.0 allowed, as ggml decodes it
        for (int i = 256; i < 512; i++) assertEquals(-0.375f, y[i], 0.375f / 256);
    }

    @Test
    void q6_kStaysWithinBound() {
        float[] x = data(4), y = roundTrip(QuantType.Q6_K, x);
        double rel = worstRelativeRms(x, y, 256);
        System.out.printf("Q6_K worst block RMS error / block absmax = %.4f%n", rel);
        assertTrue(rel < 0.012, "Q6_K relative RMS " + rel);
        for (int i = 0; i < 256; i++) assertEquals(0f, y[i], 0f); // -0.0 allowed, as ggml decodes it
        for (int i = 256; i < 512; i++) assertEquals(-0.375f, y[i], 0.375f / 256);
    }

    @Test
    void floatFormatsRoundToNearest() {
        float[] x = data(5);
        float[] h = roundTrip(QuantType.F16, x), b = roundTrip(QuantType.BF16, x), f = roundTrip(QuantType.F32, x);
        for (int i = 0; i < N; i++) {
            assertEquals(Fp16.round(x[i]), h[i]);
            assertEquals(Bf16.round(x[i]), b[i]);
            assertEquals(x[i], f[i]);
            assertTrue(Math.abs(x[i] - h[i]) <= Math.max(Math.abs(x[i]) * 0x1p-11f, 0x1p-25f));
            assertTrue(Math.abs(x[i] - b[i]) <= Math.abs(x[i]) * 0x1p-8f);
        }
    }

    @Test
    void q8_0RoundsHalfwayAwayFromZeroLikeCRoundf() {
        float[] x = new float[32];
        x[0] = 127f; // d = 1, so the quants are the values rounded
        x[1] = 0.5f;
        x[2] = -0.5f;
        x[3] = 2.5f;
        x[4] = -2.5f;
        x[5] = -126.5f;
        float[] y = roundTrip(QuantType.Q8_0, x);
        assertEquals(1f, y[1]);
        assertEquals(-1f, y[2]);
        assertEquals(3f, y[3]);
        assertEquals(-3f, y[4]);
        assertEquals(-127f, y[5]);
    }

    @Test
    void q4_0RoundsTheFusedSumToFloatBeforeTruncating() {
        float[] x = new float[32];
        x[0] = -8f;            // the largest magnitude maps to -8: d = 1
        x[1] = 0.49999997f;    // 0.49999997 + 8.5 is 8.99999997, which is 9.0 in float: q = 9, not 8
        x[2] = 0.4999f;        // clearly below the halfway point: q = 8
        x[3] = 8f;             // the opposite extreme is clipped from 16 to 15
        float[] y = roundTrip(QuantType.Q4_0, x);
        assertEquals(-8f, y[0]);
        assertEquals(1f, y[1]);
        assertEquals(0f, y[2]);
        assertEquals(7f, y[3]);
    }

    @Test
    void unsupportedTypesAreRefusedByName() {
        float[] y = new float[256];
        MemorySegment seg = MemorySegment.ofArray(new byte[1024]);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> QuantCodecs.dequantize(QuantType.IQ2_XXS, seg, 0, y, 0, 256));
        assertTrue(e.getMessage().contains("IQ2_XXS") && e.getMessage().contains("Q6_K"), e.getMessage());
        e = assertThrows(UnsupportedOperationException.class, () -> QuantCodecs.quantize(QuantType.Q3_K, y, 0, 256, seg, 0));
        assertTrue(e.getMessage().contains("Q3_K") && e.getMessage().contains("Q4_K"), e.getMessage());
        assertTrue(QuantCodecs.isSupported(QuantType.Q5_K));
        assertTrue(!QuantCodecs.isSupported(QuantType.IQ4_NL) && !QuantCodecs.isSupported(QuantType.Q8_1));
        assertEquals(14, QuantCodecs.supported().size());
        assertEquals(java.util.List.of(QuantType.F32, QuantType.F16, QuantType.Q4_0, QuantType.Q8_0, QuantType.Q4_K,
                QuantType.Q6_K, QuantType.BF16), QuantCodecs.quantizable());
    }

    @Test
    void badRangesAreRejectedWithTheType() {
        float[] y = new float[64];
        MemorySegment seg = MemorySegment.ofArray(new byte[40]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantCodecs.dequantize(QuantType.Q8_0, seg, 0, y, 0, 33));
        assertTrue(e.getMessage().contains("Q8_0"), e.getMessage());
        IndexOutOfBoundsException o = assertThrows(IndexOutOfBoundsException.class,
                () -> QuantCodecs.dequantize(QuantType.Q8_0, seg, 0, y, 0, 64));
        assertTrue(o.getMessage().contains("Q8_0"), o.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> QuantCodecs.dequantize(QuantType.Q8_0, seg, 0, y, 48, 32));
    }
}
