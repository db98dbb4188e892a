package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.DeviceOps;

/** Mixture-of-experts routing and the routed expert FFNs on the CPU. */
final class CpuMoe {
    private CpuMoe() {}

    /** Softmax over the expert logits, top-k (ties to the lower id), optionally renormalised; writes (id, weight) pairs. */
    static void route(float[] logits, int off, int nExpert, int k, boolean renorm, float[] out, int outOff) {
        float[] p = new float[nExpert];
        System.arraycopy(logits, off, p, 0, nExpert);
        CpuOps.softmax(p, 0, nExpert);
        boolean[] taken = new boolean[nExpert];
        float sum = 0;
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int e = 0; e < nExpert; e++) if (!taken[e] && (best < 0 || p[e] > p[best])) best = e;
            taken[best] = true;
            out[outOff + 2 * j] = best;
            out[outOff + 2 * j + 1] = p[best];
            sum += p[best];
        }
        if (renorm) for (int j = 0; j < k; j++) out[outOff + 2 * j + 1] /= sum;
    }

    static void ffn(DeviceOps.Weight[] gate, DeviceOps.Weight[] up, DeviceOps.Weight[] down, float[] x, int xWidth,
                    float[] route, int routeWidth, int k, int tokens, float[] out, int outWidth, CpuThreads threads) {
        int ff = gate[0].view().rows();
        float[] g = new float[ff], u = new float[ff], y = new float[outWidth];
        java.util.Arrays.fill(out, 0, tokens * outWidth, 0f);
        if (ff == 0) return;
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < k; j++) {
                int e = (int) route[t * routeWidth + 2 * j];
                float wgt = route[t * routeWidth + 2 * j + 1];
                CpuMatmul.matmul(gate[e].view(), x, t * xWidth, xWidth, 1, g, 0, ff, threads);
                CpuMatmul.matmul(up[e].view(), x, t * xWidth, xWidth, 1, u, 0, ff, threads);
                CpuOps.swiglu(g, 0, u, 0, g, 0, ff);
                CpuMatmul.matmul(down[e].view(), g, 0, ff, 1, y, 0, outWidth, threads);
                for (int i = 0; i < outWidth; i++) out[t * outWidth + i] += wgt * y[i];
            }
        }
    }
}
