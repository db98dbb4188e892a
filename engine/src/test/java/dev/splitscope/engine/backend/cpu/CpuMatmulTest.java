package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every weight type × view shape × token count × thread count against the scalar double-precision oracle. */
class CpuMatmulTest {
    private static CpuThreads one;
    private static CpuThreads three;

    @BeforeAll
    static void pools() {
        one = new CpuThreads("test1", 1);
        three = new CpuThreads("test3", 3);
    }

    @AfterAll
    static void close() {
        one.close();
        three.close();
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void matchesOracle(QuantType t) {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int bs = Math.max(t.blockSize, 32);
        // F32 gets a column count that is not a multiple of any vector width, to exercise the scalar tails.
        int cols = t == QuantType.F32 ? 3 * bs + 5 : 3 * bs;
        try (Arena arena = Arena.ofShared()) {
            int rows = 37;
            MemorySegment seg = ScalarOracle.randomWeights(arena, t, rows, cols, rnd);
            WeightView full = WeightView.of(seg, t, rows, cols);
            for (int threads : new int[] {1, 3}) {
                CpuThreads pool = threads == 1 ? one : three;
                for (int nTokens : new int[] {1, 3, 4, 9}) {
                    check(full, nTokens, pool, rnd, seed, "full");
                    check(full.rows(5, 30), nTokens, pool, rnd, seed, "rows 5..30");
                    if (t != QuantType.F32) check(full.cols(bs, 3 * bs), nTokens, pool, rnd, seed, "cols");
                    check(full.rows(1, 36).cols(0, 2 * bs), nTokens, pool, rnd, seed, "rows+cols");
                }
            }
        }
    }

    /** Wide enough (2 × 256-column rows, 70 rows) that 3 threads get several chunks each. */
    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"Q8_0", "Q4_0", "Q4_K"})
    void largerShapesSplitAcrossThreads(QuantType t) {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = ScalarOracle.randomWeights(arena, t, 70, 512, rnd);
            check(WeightView.of(seg, t, 70, 512), 6, three, rnd, seed, "70x512");
        }
    }

    /**
     * Runs one matmul with padded strides and offsets and compares every output with the oracle. Tolerances: float
     * paths accumulate in f32, so allow 1e-5 of Σ|w·x| (the condition of the sum). Q8_0/Q4_0 round each activation
     * to its block's step d = amax/127 (error ≤ d/2) and, as ggml, keep d in f16 (error ≤ 127·|d − f16(d)| more per
     * value), so add Σ|w| times that bound: a strict bound on the activation quantization error.
     */
    private static void check(WeightView w, int nTokens, CpuThreads pool, Random rnd, long seed, String what) {
        int xStride = w.cols() + 7, yStride = w.rows() + 3, xOff = 5, yOff = 2;
        float[] x = new float[xOff + nTokens * xStride];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        java.util.Arrays.fill(x, xOff, xOff + Math.min(32, w.cols()), 0f); // an all-zero activation block
        float[] y = new float[yOff + nTokens * yStride];
        java.util.Arrays.fill(y, Float.NaN);
        CpuMatmul.matmul(w, x, xOff, xStride, nTokens, y, yOff, yStride, pool);
        boolean int8 = w.type() == QuantType.Q8_0 || w.type() == QuantType.Q4_0;
        for (int r = 0; r < w.rows(); r++) {
            double[] row = ScalarOracle.row(w.data(), w.type(), w.rowOffset(r), w.cols());
            for (int t = 0; t < nTokens; t++) {
                int xi = xOff + t * xStride;
                double exact = 0, cond = 0, quantErr = 0;
                for (int c = 0; c < w.cols(); c++) {
                    exact += row[c] * x[xi + c];
                    cond += Math.abs(row[c] * x[xi + c]);
                }
                if (int8) {
                    for (int b = 0; b < w.cols() / 32; b++) {
                        float step = CpuOps.maxAbs(x, xi + 32 * b, 32) / 127f;
                        double d16 = Float.float16ToFloat(Float.floatToFloat16(step));
                        double perValue = step / 2.0 + 127 * Math.abs(step - d16);
                        for (int c = 32 * b; c < 32 * b + 32; c++) quantErr += Math.abs(row[c]) * perValue;
                    }
                }
                double tol = 1e-5 * cond + 1.01 * quantErr + 1e-6;
                float got = y[yOff + t * yStride + r];
                if (!(Math.abs(got - exact) <= tol))
                    fail(w.type() + " " + what + " " + w.rows() + "x" + w.cols() + " tokens=" + nTokens + " threads="
                            + pool.threads() + " row " + r + " token " + t + ": got " + got + ", want " + exact
                            + " ± " + tol + " (seed " + seed + ")");
            }
        }
        // Padding between tokens is untouched.
        for (int t = 0; t < nTokens; t++)
            for (int i = yOff + t * yStride + w.rows(); i < Math.min(y.length, yOff + (t + 1) * yStride); i++)
                assertTrue(Float.isNaN(y[i]), "matmul wrote outside its rows at " + i);
    }

    @Test
    void rejectsBadShapes() {
        try (Arena arena = Arena.ofShared()) {
            WeightView w = WeightView.of(arena.allocate(QuantType.Q8_0.bytesFor(64 * 4)), QuantType.Q8_0, 4, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CpuMatmul.matmul(w, new float[63], 0, 64, 1, new float[4], 0, 4, one));
            assertTrue(e.getMessage().contains("outside x"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> CpuMatmul.matmul(w, new float[128], 0, 64, 2, new float[7], 0, 4, one));
            assertTrue(e.getMessage().contains("outside y"), e.getMessage());
            WeightView tooBig = new WeightView(w.data(), QuantType.Q8_0, 5, 64, w.rowStride(), 0);
            e = assertThrows(IllegalArgumentException.class,
                    () -> CpuMatmul.matmul(tooBig, new float[64], 0, 64, 1, new float[5], 0, 5, one));
            assertTrue(e.getMessage().contains("runs past"), e.getMessage());
        }
    }

    @Test
    void unsupportedTypeNamesIt() {
        try (Arena arena = Arena.ofShared()) {
            WeightView w = WeightView.of(arena.allocate(QuantType.IQ2_XXS.bytesFor(256)), QuantType.IQ2_XXS, 1, 256);
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> CpuMatmul.matmul(w, new float[256], 0, 256, 1, new float[1], 0, 1, one));
            assertTrue(e.getMessage().contains("IQ2_XXS"), e.getMessage());
        }
    }

    @Test
    void zeroTokensIsANoOp() {
        try (Arena arena = Arena.ofShared()) {
            WeightView w = WeightView.of(arena.allocate(QuantType.F32.bytesFor(8)), QuantType.F32, 2, 4);
            float[] y = {7, 7};
            CpuMatmul.matmul(w, new float[0], 0, 4, 0, y, 0, 2, one);
            assertEquals(7f, y[0]);
        }
    }
}
