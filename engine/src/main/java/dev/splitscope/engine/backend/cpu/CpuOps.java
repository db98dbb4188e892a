package dev.splitscope.engine.backend.cpu;

/** Element-wise CPU kernels on f32 arrays with offsets. */
final class CpuOps {
    private CpuOps() {}

    static void rmsNorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale * w[i];
    }

    static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }

    static void swiglu(float[] gate, float[] up, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            out[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** Rotates the first ropeDim dims of one head: adjacent pairs (normal) or halves (neox). */
    static void rope(float[] x, int off, int headDim, int ropeDim, boolean neox, float theta, int pos) {
        int half = ropeDim / 2;
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(theta, -2.0 * i / ropeDim);
            double ang = pos * freq;
            float c = (float) Math.cos(ang), s = (float) Math.sin(ang);
            int i0 = neox ? off + i : off + 2 * i;
            int i1 = neox ? off + i + half : off + 2 * i + 1;
            float a = x[i0], b = x[i1];
            x[i0] = a * c - b * s;
            x[i1] = a * s + b * c;
        }
    }

    static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) x[off + i] /= sum;
    }
}
