package dev.splitscope.engine.backend.cpu;

/**
 * Activations quantized to Q8 blocks of 32 (as ggml's q8_0/q8_1), once per matmul call and shared by every weight
 * row: per token, int8 values stored as int16 (the kernels widen them to int32 as they load), one f32 scale per
 * block and, for Q4_0's offset of 8, 16 lanes per block that sum to 8 × the block's Σ q. Grown on demand, reused
 * per thread.
 */
final class Q8Activations {
    static final int BLOCK = 32;

    short[] q = new short[0];   // [token][cols], values in [-127, 127]
    int[] qi = new int[0];      // the same values as int32, filled only for batches (the 4-token kernels read these)
    int[] s8i = new int[0];     // s8 as int32, likewise
    float[] d = new float[0];   // [token][blocks]: x ≈ d * q
    short[] s8 = new short[0];  // [token][blocks][16]: 8 * (q[j] + q[j + 16]), |.| ≤ 2032; lanes sum to 8 * Σ q
    int cols;
    int blocks;
    int tokens;

    void ensure(int nTokens, int nCols) {
        int nb = nCols / BLOCK;
        if (q.length < nTokens * nCols) q = new short[nTokens * nCols];
        if (d.length < nTokens * nb) d = new float[nTokens * nb];
        if (s8.length < nTokens * nb * 16) s8 = new short[nTokens * nb * 16];
        if (nTokens >= 4 && qi.length < nTokens * nCols) qi = new int[nTokens * nCols];
        if (nTokens >= 4 && s8i.length < nTokens * nb * 16) s8i = new int[nTokens * nb * 16];
        this.cols = nCols;
        this.blocks = nb;
        this.tokens = nTokens;
    }

    /** Quantizes tokens [t0, t1) of x (token t at xOff + t * xStride, {@link #cols} values each). */
    void quantize(float[] x, int xOff, int xStride, int t0, int t1) {
        for (int t = t0; t < t1; t++) {
            int src = xOff + t * xStride;
            for (int b = 0; b < blocks; b++) quantizeBlock(x, src + b * BLOCK, t * cols + b * BLOCK, t * blocks + b);
        }
    }

    /**
     * As ggml's quantize_row_q8_0: q = roundf(x / d) with d = amax / 127, but the block keeps d rounded to f16, so
     * results match llama.cpp's CPU backend rather than an ideal quantizer.
     */
    private void quantizeBlock(float[] x, int src, int dst, int bi) {
        boolean wide = tokens >= 4;
        float amax = CpuOps.maxAbs(x, src, BLOCK);
        float step = amax / 127f;
        float id = step != 0 ? 1f / step : 0f;
        for (int i = 0; i < BLOCK; i++) {
            float v = x[src + i] * id;
            int k = Math.round(Math.abs(v)); // roundf: halves away from zero
            if (v < 0) k = -k;
            q[dst + i] = (short) k;
            if (wide) qi[dst + i] = k;
        }
        for (int j = 0; j < 16; j++) {
            s8[bi * 16 + j] = (short) (8 * (q[dst + j] + q[dst + 16 + j]));
            if (wide) s8i[bi * 16 + j] = s8[bi * 16 + j];
        }
        float d16 = Float.float16ToFloat(Float.floatToFloat16(step));
        d[bi] = d16;
    }
}
