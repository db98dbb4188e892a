package dev.splitscope.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One-head attention over f32 and f16 caches against a double-precision oracle. Tolerance 1e-5 absolute: outputs
 * are convex combinations of O(1) values; the f16 oracle reads the same rounded halves, so only f32 arithmetic differs.
 */
class CpuAttentionTest {
    @Test
    void matchesOracleOverCausalRanges() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int cells = 21, kvHeads = 3, headDim = 40;
        float[] k = new float[cells * kvHeads * headDim], v = new float[k.length];
        short[] k16 = new short[k.length], v16 = new short[k.length];
        for (int i = 0; i < k.length; i++) {
            k16[i] = Float.floatToFloat16((float) rnd.nextGaussian());
            v16[i] = Float.floatToFloat16((float) rnd.nextGaussian());
            k[i] = Float.float16ToFloat(k16[i]);
            v[i] = Float.float16ToFloat(v16[i]);
        }
        float[] q = new float[2 + headDim];
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] scores = new float[cells];
        int[][] ranges = {{0, 1}, {0, 17}, {4, 21}, {20, 21}};
        for (int kvHead = 0; kvHead < kvHeads; kvHead++) {
            for (int[] r : ranges) {
                double[] want = oracle(q, 2, k, v, kvHeads, headDim, kvHead, r[0], r[1], scale);
                float[] out = new float[headDim + 1], out16 = new float[headDim + 1];
                CpuAttention.attendHead(q, 2, k, v, kvHeads, headDim, kvHead, r[0], r[1], scale, scores, out, 1);
                CpuAttention.attendHead(q, 2, k16, v16, kvHeads, headDim, kvHead, r[0], r[1], scale, scores, out16, 1);
                for (int d = 0; d < headDim; d++) {
                    String what = "head " + kvHead + " cells " + r[0] + ".." + r[1] + " dim " + d + " (seed " + seed + ")";
                    assertEquals(want[d], out[1 + d], 1e-5, "f32 " + what);
                    assertEquals(want[d], out16[1 + d], 1e-5, "f16 " + what);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CpuAttention.attendHead(q, 0, k, v, kvHeads, headDim, 0,
                0, cells, scale, new float[3], new float[headDim], 0));
    }

    private static double[] oracle(float[] q, int qOff, float[] k, float[] v, int kvHeads, int headDim, int kvHead,
                                   int from, int to, float scale) {
        double[] s = new double[to - from];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = from; c < to; c++) {
            double d = 0;
            for (int i = 0; i < headDim; i++) d += (double) q[qOff + i] * k[(c * kvHeads + kvHead) * headDim + i];
            s[c - from] = d * scale;
            max = Math.max(max, s[c - from]);
        }
        for (int c = 0; c < s.length; c++) sum += s[c] = Math.exp(s[c] - max);
        double[] out = new double[headDim];
        for (int c = from; c < to; c++)
            for (int i = 0; i < headDim; i++) out[i] += s[c - from] / sum * v[(c * kvHeads + kvHead) * headDim + i];
        return out;
    }
}
