package dev.splitscope.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for the element-wise and normalisation ops of a forward pass, on f32 arrays with offsets.
 * Single-threaded: they are cheap next to the matmuls and run on the device's calling thread.
 */
public final class CpuOps {
    private CpuOps() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int F = FS.length();

    /** Σ a[aOff+i]·b[bOff+i] for i < n. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(FS), s1 = s0;
        int i = 0;
        for (; i + 2 * F <= n; i += 2 * F) {
            s0 = FloatVector.fromArray(FS, a, aOff + i).fma(FloatVector.fromArray(FS, b, bOff + i), s0);
            s1 = FloatVector.fromArray(FS, a, aOff + i + F).fma(FloatVector.fromArray(FS, b, bOff + i + F), s1);
        }
        for (; i + F <= n; i += F) s0 = FloatVector.fromArray(FS, a, aOff + i).fma(FloatVector.fromArray(FS, b, bOff + i), s0);
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** y[yOff+i] += alpha·x[xOff+i]. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i + F <= n; i += F)
            FloatVector.fromArray(FS, x, xOff + i).fma(FloatVector.broadcast(FS, alpha), FloatVector.fromArray(FS, y, yOff + i)).intoArray(y, yOff + i);
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /** out[outOff+i] = a[aOff+i] + b[bOff+i]; out may be a or b. */
    public static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (; i + F <= n; i += F)
            FloatVector.fromArray(FS, a, aOff + i).add(FloatVector.fromArray(FS, b, bOff + i)).intoArray(out, outOff + i);
        for (; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }

    /** out[outOff+i] = a[aOff+i] · b[bOff+i]; out may be a or b. */
    public static void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (; i + F <= n; i += F)
            FloatVector.fromArray(FS, a, aOff + i).mul(FloatVector.fromArray(FS, b, bOff + i)).intoArray(out, outOff + i);
        for (; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
    }

    /** x[off+i] *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        int i = 0;
        for (; i + F <= n; i += F) FloatVector.fromArray(FS, x, off + i).mul(s).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= s;
    }

    /** max |x[off+i]|. */
    public static float maxAbs(float[] x, int off, int n) {
        FloatVector m = FloatVector.zero(FS);
        int i = 0;
        for (; i + F <= n; i += F) m = m.max(FloatVector.fromArray(FS, x, off + i).abs());
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, Math.abs(x[off + i]));
        return r;
    }

    /** out[outOff+i] = x[xOff+i] / sqrt(mean(x²) + eps) · w[i]; out may be x. */
    public static void rmsNorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        if (w.length < n) throw new IllegalArgumentException("rmsNorm: weight of " + w.length + " for " + n + " values");
        float ss = dot(x, xOff, x, xOff, n);
        float r = (float) (1.0 / Math.sqrt(ss / n + (double) eps));
        int i = 0;
        for (; i + F <= n; i += F)
            FloatVector.fromArray(FS, x, xOff + i).mul(r).mul(FloatVector.fromArray(FS, w, i)).intoArray(out, outOff + i);
        for (; i < n; i++) out[outOff + i] = x[xOff + i] * r * w[i];
    }

    /** In-place softmax of x[off..off+n), max-subtracted for stability. */
    public static void softmax(float[] x, int off, int n) {
        if (n <= 0) return;
        FloatVector mv = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + F <= n; i += F) mv = mv.max(FloatVector.fromArray(FS, x, off + i));
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector sv = FloatVector.zero(FS);
        i = 0;
        for (; i + F <= n; i += F) {
            FloatVector e = FloatVector.fromArray(FS, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            sv = sv.add(e);
        }
        float sum = sv.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        scale(x, off, n, 1f / sum);
    }

    /** out[outOff+i] = silu(gate[gOff+i]) · up[uOff+i], silu(g) = g / (1 + e^-g); out may alias either input. */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, float[] out, int outOff, int n) {
        int i = 0;
        for (; i + F <= n; i += F) {
            FloatVector g = FloatVector.fromArray(FS, gate, gOff + i);
            FloatVector s = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            s.mul(FloatVector.fromArray(FS, up, uOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gOff + i];
            out[outOff + i] = (float) (g / (1.0 + Math.exp(-g))) * up[uOff + i];
        }
    }

    /**
     * Rotary embedding of nHeads heads of headDim at x[off..], in place, for position pos: the first ropeDims of
     * each head rotate by pos·base^(−2i/ropeDims) (divided by freqFactors[i] when given, as llama 3's rope_freqs).
     * Normal mode rotates adjacent pairs (2i, 2i+1); neox mode rotates (i, i + ropeDims/2).
     */
    public static void rope(float[] x, int off, int nHeads, int headDim, int ropeDims, int pos, float base,
                            float[] freqFactors, boolean neox) {
        if (ropeDims > headDim || (ropeDims & 1) != 0)
            throw new IllegalArgumentException("rope: " + ropeDims + " rotated dims for a head of " + headDim);
        int half = ropeDims / 2;
        if (freqFactors != null && freqFactors.length < half)
            throw new IllegalArgumentException("rope: " + freqFactors.length + " frequency factors for " + half + " pairs");
        for (int i = 0; i < half; i++) {
            double theta = pos * Math.pow(base, -2.0 * i / ropeDims);
            if (freqFactors != null) theta /= freqFactors[i];
            float c = (float) Math.cos(theta), s = (float) Math.sin(theta);
            int a = neox ? i : 2 * i, b = neox ? i + half : 2 * i + 1;
            for (int h = 0; h < nHeads; h++) {
                int p = off + h * headDim;
                float x0 = x[p + a], x1 = x[p + b];
                x[p + a] = x0 * c - x1 * s;
                x[p + b] = x0 * s + x1 * c;
            }
        }
    }
}
