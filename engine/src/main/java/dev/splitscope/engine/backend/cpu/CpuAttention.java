package dev.splitscope.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention of one query head over a KV cache laid out [cell][kvHead][headDim], in f32 or f16 (half bits in a
 * short[]): scores = scale·q·k over cells [from, to), softmax, out = Σ p·v. The caller passes the causal limit as
 * {@code to} (query position + 1, capped by the cells in use) and a scratch array for the scores.
 */
public final class CpuAttention {
    private CpuAttention() {}

    private static final VectorSpecies<Float> FS = FloatDot.FS;

    /**
     * Causal GQA attention for a batch of tokens at positions pos0.., over one device's KV shard: query head h of
     * token t (at q[t * qWidth + h * headDim]) reads kv head kvOf[h] over cells [0, pos0 + t]; (token, head) pairs
     * are spread over the pool.
     */
    static void run(CpuKvCache cache, int layer, float[] q, int qWidth, int tokens, int pos0, int headDim,
                    int[] kvOf, float[] out, int outWidth, CpuThreads threads) {
        int heads = kvOf.length, kvHeads = cache.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] k32 = cache.f32(layer, false), v32 = cache.f32(layer, true);
        short[] k16 = cache.f16(layer, false), v16 = cache.f16(layer, true);
        threads.parallelFor(tokens * heads, (i0, i1) -> {
            float[] scores = new float[pos0 + tokens];
            for (int i = i0; i < i1; i++) {
                int t = i / heads, h = i % heads, end = pos0 + t + 1;
                int qo = t * qWidth + h * headDim, oo = t * outWidth + h * headDim;
                if (k32 != null) attendHead(q, qo, k32, v32, kvHeads, headDim, kvOf[h], 0, end, scale, scores, out, oo);
                else attendHead(q, qo, k16, v16, kvHeads, headDim, kvOf[h], 0, end, scale, scores, out, oo);
            }
        });
    }
    private static final int F = FloatDot.F;

    /** f32 cache: out[outOff..outOff+headDim) = attention of q[qOff..] over cells [from, to) of kvHead. */
    public static void attendHead(float[] q, int qOff, float[] kCache, float[] vCache, int kvHeads, int headDim,
                                  int kvHead, int from, int to, float scale, float[] scores, float[] out, int outOff) {
        checkRange(from, to, scores);
        int n = to - from;
        for (int c = 0; c < n; c++)
            scores[c] = scale * CpuOps.dot(q, qOff, kCache, ((from + c) * kvHeads + kvHead) * headDim, headDim);
        CpuOps.softmax(scores, 0, n);
        java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int c = 0; c < n; c++)
            CpuOps.axpy(scores[c], vCache, ((from + c) * kvHeads + kvHead) * headDim, out, outOff, headDim);
    }

    /** f16 cache (IEEE half bits): as {@link #attendHead(float[], int, float[], float[], int, int, int, int, int, float, float[], float[], int)}. */
    public static void attendHead(float[] q, int qOff, short[] kCache, short[] vCache, int kvHeads, int headDim,
                                  int kvHead, int from, int to, float scale, float[] scores, float[] out, int outOff) {
        checkRange(from, to, scores);
        int n = to - from;
        for (int c = 0; c < n; c++)
            scores[c] = scale * dotF16(q, qOff, kCache, ((from + c) * kvHeads + kvHead) * headDim, headDim);
        CpuOps.softmax(scores, 0, n);
        java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int c = 0; c < n; c++)
            axpyF16(scores[c], vCache, ((from + c) * kvHeads + kvHead) * headDim, out, outOff, headDim);
    }

    private static void checkRange(int from, int to, float[] scores) {
        if (from < 0 || to < from) throw new IllegalArgumentException("attention over cells [" + from + ", " + to + ")");
        if (scores.length < to - from)
            throw new IllegalArgumentException("attention scratch of " + scores.length + " for " + (to - from) + " cells");
    }

    private static FloatVector halfLoad(short[] h, int i) {
        IntVector v = (IntVector) ShortVector.fromArray(FloatDot.HS, h, i).convertShape(VectorOperators.S2I, FloatDot.IS, 0);
        return FloatDot.f16ToFloat(v);
    }

    /** Σ a[aOff+i]·half(h[hOff+i]). */
    static float dotF16(float[] a, int aOff, short[] h, int hOff, int n) {
        FloatVector s = FloatVector.zero(FS);
        int i = 0;
        for (; i + F <= n; i += F) s = halfLoad(h, hOff + i).fma(FloatVector.fromArray(FS, a, aOff + i), s);
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += a[aOff + i] * Float.float16ToFloat(h[hOff + i]);
        return r;
    }

    /** y[yOff+i] += alpha·half(h[hOff+i]). */
    static void axpyF16(float alpha, short[] h, int hOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i + F <= n; i += F)
            halfLoad(h, hOff + i).fma(FloatVector.broadcast(FS, alpha), FloatVector.fromArray(FS, y, yOff + i)).intoArray(y, yOff + i);
        for (; i < n; i++) y[yOff + i] += alpha * Float.float16ToFloat(h[hOff + i]);
    }
}
