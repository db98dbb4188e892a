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
