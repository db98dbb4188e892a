package dev.splitscope.engine.quant;

/**
 * Scale search for K-quants with a per-group minimum (Q4_K, and the same shape would serve Q5_K / Q2_K).
 * Our own method, simpler than ggml's weighted grid search: start from the group's min/max, then alternate
 * "round to the grid" and "least-squares fit of scale and offset to the rounded grid" a few times, keeping the
 * best fit. Offsets are clamped so that zero stays representable-or-below (min <= 0), as K-quants require.
 */
final class KQuantFit {
    private KQuantFit() {}

    static final int GROUP = 32;
    static final int GROUPS = 8;
    private static final int ROUNDS = 4;

    /** Working memory for one encoder call. */
    static final class Scratch {
        final float[] scales = new float[GROUPS];
        final float[] mins = new float[GROUPS]; // stored negated: x = scale * q - min, min >= 0
        final int[] sc = new int[GROUPS];
        final int[] mn = new int[GROUPS];
        final int[] q = new int[GROUPS * GROUP];
        float superScale;
        float superMin;
    }

    /** Fits every group of the super-block at {@code src[s..s+256)}, then the 6-bit group scales and mins. */
    static void fitScalesAndMins(float[] src, int s, int nmax, Scratch w) {
        float maxScale = 0f, maxMin = 0f;
        for (int g = 0; g < GROUPS; g++) {
            fitGroup(src, s + g * GROUP, nmax, w, g);
            maxScale = Math.max(maxScale, w.scales[g]);
            maxMin = Math.max(maxMin, w.mins[g]);
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        for (int g = 0; g < GROUPS; g++) {
            w.sc[g] = Math.min(63, Le.nearest(invScale * w.scales[g]));
            w.mn[g] = Math.min(63, Le.nearest(invMin * w.mins[g]));
        }
        w.superScale = maxScale / 63f;
        w.superMin = maxMin / 63f;
    }

    /** Rounds every value to the grid given by the stored (half-precision) super scales into {@code w.q}. */
    static void quantizeWithMins(float[] src, int s, int nmax, float dAll, float mAll, Scratch w) {
        for (int g = 0; g < GROUPS; g++) {
            float d = dAll * w.sc[g];
            float dm = mAll * w.mn[g];
            for (int l = 0; l < GROUP; l++) {
                int i = g * GROUP + l;
                w.q[i] = d == 0f ? 0 : clamp(Le.nearest((src[s + i] + dm) / d), 0, nmax);
            }
        }
    }

    private static void fitGroup(float[] x, int o, int nmax, Scratch w, int g) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < GROUP; l++) {
            lo = Math.min(lo, x[o + l]);
            hi = Math.max(hi, x[o + l]);
        }
        if (lo > 0f) lo = 0f;
        float scale = (hi - lo) / nmax, offset = lo;
        if (!(scale > 0f)) { // constant (or non-finite) group: the offset alone represents it
            w.scales[g] = 0f;
            w.mins[g] = Float.isFinite(lo) ? -lo : 0f;
            return;
        }
        float bestScale = scale, bestOffset = offset, bestErr = error(x, o, nmax, scale, offset);
        for (int round = 0; round < ROUNDS; round++) {
            double n = GROUP, sl = 0, sl2 = 0, sx = 0, sxl = 0;
            for (int l = 0; l < GROUP; l++) {
                int q = clamp(Le.nearest((x[o + l] - offset) / scale), 0, nmax);
                sl += q; sl2 += (double) q * q; sx += x[o + l]; sxl += (double) x[o + l] * q;
            }
            double det = n * sl2 - sl * sl;
            if (det <= 0) break;
            double a = (n * sxl - sl * sx) / det;
            double b = (sx - a * sl) / n;
            if (b > 0) { b = 0; a = sxl / sl2; }
            if (!(a > 0)) break;
            scale = (float) a;
            offset = (float) b;
            float err = error(x, o, nmax, scale, offset);
            if (err < bestErr) { bestErr = err; bestScale = scale; bestOffset = offset; }
        }
        w.scales[g] = bestScale;
        w.mins[g] = -bestOffset;
    }

    private static float error(float[] x, int o, int nmax, float scale, float offset) {
        float e = 0f;
        for (int l = 0; l < GROUP; l++) {
            int q = clamp(Le.nearest((x[o + l] - offset) / scale), 0, nmax);
            float diff = scale * q + offset - x[o + l];
            e += diff * diff;
        }
        return e;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
