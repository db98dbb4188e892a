package dev.splitscope.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Element-wise kernels against double-precision loops on fresh random inputs, at lengths that leave scalar tails.
 * Tolerance: f32 results of O(1) values, so 1e-5 relative (plus 1e-6 absolute) covers f32 rounding of sums of up
 * to a few hundred terms and the Vector API's EXP (within 1 ulp of Math.exp).
 */
class CpuOpsTest {
    private final long seed = System.nanoTime();
    private final Random rnd = new Random(seed);
    private static final int[] LENGTHS = {1, 7, 16, 33, 100, 257};

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private void near(double want, float got, double scale, String what) {
        assertEquals(want, got, 1e-5 * Math.max(1, Math.abs(scale)) + 1e-6, what + " (seed " + seed + ")");
    }

    @Test
    void dotAxpyAddMulScale() {
        for (int n : LENGTHS) {
            float[] a = random(n + 3), b = random(n + 5);
            double d = 0, cond = 0;
            for (int i = 0; i < n; i++) {
                d += (double) a[3 + i] * b[5 + i];
                cond += Math.abs((double) a[3 + i] * b[5 + i]);
            }
            near(d, CpuOps.dot(a, 3, b, 5, n), cond, "dot n=" + n);

            float[] y = b.clone();
            CpuOps.axpy(0.75f, a, 3, y, 5, n);
            for (int i = 0; i < n; i++) near(b[5 + i] + 0.75 * a[3 + i], y[5 + i], 1, "axpy " + i);
            assertEquals(b[0], y[0], "axpy wrote before its range");

            float[] out = new float[n + 1];
            CpuOps.add(a, 3, b, 5, out, 1, n);
            for (int i = 0; i < n; i++) near((double) a[3 + i] + b[5 + i], out[1 + i], 1, "add " + i);
            CpuOps.mul(a, 3, b, 5, out, 1, n);
            for (int i = 0; i < n; i++) near((double) a[3 + i] * b[5 + i], out[1 + i], 1, "mul " + i);
            float[] s = a.clone();
            CpuOps.scale(s, 3, n, -2f);
            for (int i = 0; i < n; i++) near(-2.0 * a[3 + i], s[3 + i], 1, "scale " + i);
            double m = 0;
            for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[3 + i]));
            assertEquals((float) m, CpuOps.maxAbs(a, 3, n), "maxAbs (seed " + seed + ")");
        }
    }

    @Test
    void rmsNormSoftmaxSwiglu() {
        for (int n : LENGTHS) {
            float[] x = random(n + 2), w = random(n);
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (double) x[2 + i] * x[2 + i];
            double r = 1 / Math.sqrt(ss / n + 1e-5);
            float[] out = new float[n];
            CpuOps.rmsNorm(x, 2, w, out, 0, n, 1e-5f);
            for (int i = 0; i < n; i++) near(x[2 + i] * r * w[i], out[i], 1, "rmsNorm n=" + n + " i=" + i);

            float[] p = x.clone();
            for (int i = 0; i < p.length; i++) p[i] *= 4; // spread the logits so the max-shift matters
            float[] sm = p.clone();
            CpuOps.softmax(sm, 2, n);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < n; i++) max = Math.max(max, p[2 + i]);
            for (int i = 0; i < n; i++) sum += Math.exp(p[2 + i] - max);
            for (int i = 0; i < n; i++) near(Math.exp(p[2 + i] - max) / sum, sm[2 + i], 1, "softmax n=" + n);
            assertEquals(p[0], sm[0], "softmax wrote before its range");

            float[] g = random(n), u = random(n), o = new float[n];
            CpuOps.swiglu(g, 0, u, 0, o, 0, n);
            for (int i = 0; i < n; i++) near(g[i] / (1 + Math.exp(-g[i])) * u[i], o[i], 1, "swiglu " + i);
        }
    }

    @Test
    void ropeNormalAndNeox() {
        int heads = 3, headDim = 16;
        for (boolean neox : new boolean[] {false, true}) {
            for (int ropeDims : new int[] {16, 8}) {
                float[] freq = new float[ropeDims / 2];
                for (int i = 0; i < freq.length; i++) freq[i] = 1 + i % 3;
                for (float[] ff : new float[][] {null, freq}) {
                    float[] x = random(1 + heads * headDim), got = x.clone();
                    int pos = 1 + rnd.nextInt(500);
                    CpuOps.rope(got, 1, heads, headDim, ropeDims, pos, 10000f, ff, neox);
                    for (int h = 0; h < heads; h++) {
                        int base = 1 + h * headDim;
                        for (int i = 0; i < ropeDims / 2; i++) {
                            double theta = pos * Math.pow(10000, -2.0 * i / ropeDims) / (ff == null ? 1 : ff[i]);
                            int a = neox ? i : 2 * i, b = neox ? i + ropeDims / 2 : 2 * i + 1;
                            double x0 = x[base + a], x1 = x[base + b];
                            String what = (neox ? "neox" : "normal") + " dims=" + ropeDims + " head " + h + " pair " + i;
                            near(x0 * Math.cos(theta) - x1 * Math.sin(theta), got[base + a], 1, what);
                            near(x0 * Math.sin(theta) + x1 * Math.cos(theta), got[base + b], 1, what);
                        }
                        for (int i = ropeDims; i < headDim; i++)
                            assertEquals(x[base + i], got[base + i], "dims past ropeDims untouched");
                    }
                    assertEquals(x[0], got[0]);
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> CpuOps.rope(new float[8], 0, 1, 8, 10, 0, 1e4f, null, false));
    }
}
