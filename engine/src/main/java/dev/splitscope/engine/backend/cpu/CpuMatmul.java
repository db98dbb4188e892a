package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantCodecs;

/** Matrix × activations on the CPU: each weight row is decoded once and reused for every token. */
public final class CpuMatmul {
    private CpuMatmul() {}

    public static void matmul(WeightView w, float[] x, int xOff, int xStride, int nTokens,
                              float[] y, int yOff, int yStride, CpuThreads pool) {
        int cols = w.cols();
        pool.parallelFor(w.rows(), (r0, r1) -> {
            float[] row = new float[cols];
            for (int r = r0; r < r1; r++) {
                QuantCodecs.dequantize(w.type(), w.data(), w.rowOffset(r), row, 0, cols);
                for (int t = 0; t < nTokens; t++) {
                    int xb = xOff + t * xStride;
                    float s = 0;
                    for (int c = 0; c < cols; c++) s += row[c] * x[xb + c];
                    y[yOff + t * yStride + r] = s;
                }
            }
        });
    }
}
