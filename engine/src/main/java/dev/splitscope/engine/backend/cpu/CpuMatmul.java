package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.MemorySegment;

/**
 * Multithreaded y = W·x for one weight view and a batch of tokens, the CPU backend's mul_mat. Q8_0 and Q4_0 use
 * integer dot products against the activations quantized once per call to Q8 blocks; F32, F16 and BF16 are widened
 * in registers; Q4_K and Q6_K (and, through the scalar codecs, any other type) are dequantized a row at a time. Rows
 * are split across the pool in chunks; within a chunk, blocks of rows are reused across tiles of 4 tokens so that a
 * prompt batch reads each weight row from memory once.
 */
public final class CpuMatmul {
    private CpuMatmul() {}

    private static final int TILE = 4;
    /** Rows per cache block: their weights stay in L1/L2 while every token tile passes over them. */
    private static final int ROW_BLOCK = 16;
    /** Floats of dequantized rows kept per thread (256 KiB, about an L2 share). */
    private static final int DEQUANT_FLOATS = 1 << 16;
    private static final ThreadLocal<Q8Activations> ACTIVATIONS = ThreadLocal.withInitial(Q8Activations::new);
    private static final ThreadLocal<float[]> ROW_BUFFER = ThreadLocal.withInitial(() -> new float[DEQUANT_FLOATS]);
    private static final ThreadLocal<float[]> GROUP_SUMS = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * y[t * yStride + yOff + r] = Σ_c w[r][c] · x[t * xStride + xOff + c] for r < w.rows(), t < nTokens.
     * x and y must not overlap; pool may be shared by the caller's other ops but runs one call at a time.
     */
    public static void matmul(WeightView w, float[] x, int xOff, int xStride, int nTokens,
                              float[] y, int yOff, int yStride, CpuThreads pool) {
        check(w, x, xOff, xStride, nTokens, y, yOff, yStride);
        if (nTokens == 0 || w.rows() == 0 || w.cols() == 0) return;
        switch (w.type()) {
            case Q8_0, Q4_0 -> int8(w, x, xOff, xStride, nTokens, y, yOff, yStride, pool);
            case F32, F16, BF16 -> direct(w, x, xOff, xStride, nTokens, y, yOff, yStride, pool);
            default -> dequantized(w, x, xOff, xStride, nTokens, y, yOff, yStride, pool);
        }
    }

    private static void check(WeightView w, float[] x, int xOff, int xStride, int nTokens, float[] y, int yOff, int yStride) {
        if (nTokens < 0) throw new IllegalArgumentException("matmul: negative token count " + nTokens);
        if (nTokens == 0) return;
        int rows = w.rows(), cols = w.cols();
        if (nTokens > 1 && xStride < cols)
            throw new IllegalArgumentException("matmul: x stride " + xStride + " is below the " + cols + " input columns");
        if (nTokens > 1 && yStride < rows)
            throw new IllegalArgumentException("matmul: y stride " + yStride + " is below the " + rows + " output rows");
        long xEnd = xOff + (long) (nTokens - 1) * xStride + cols;
        if (xOff < 0 || xEnd > x.length)
            throw new IllegalArgumentException("matmul: x[" + xOff + ".." + xEnd + ") for " + nTokens + " tokens of "
                    + cols + " is outside x of length " + x.length);
        long yEnd = yOff + (long) (nTokens - 1) * yStride + rows;
        if (yOff < 0 || yEnd > y.length)
            throw new IllegalArgumentException("matmul: y[" + yOff + ".." + yEnd + ") for " + nTokens + " tokens of "
                    + rows + " is outside y of length " + y.length);
        if (rows > 0 && w.rowOffset(rows - 1) + w.rowBytes() > w.data().byteSize())
            throw new IllegalArgumentException("matmul: " + w.type() + " view of " + rows + "x" + cols + " at offset "
                    + w.offset() + " (row stride " + w.rowStride() + ") runs past its segment of " + w.data().byteSize() + " bytes");
        if (w.offset() < 0) throw new IllegalArgumentException("matmul: negative weight offset " + w.offset());
    }

    private static void int8(WeightView w, float[] x, int xOff, int xStride, int nTokens,
                             float[] y, int yOff, int yStride, CpuThreads pool) {
        Q8Activations a = ACTIVATIONS.get();
        a.ensure(nTokens, w.cols());
        if (nTokens >= 16) pool.parallelFor(nTokens, (t0, t1) -> a.quantize(x, xOff, xStride, t0, t1));
        else a.quantize(x, xOff, xStride, 0, nTokens);
        boolean q8 = w.type() == QuantType.Q8_0;
        MemorySegment seg = w.data();
        int nb = w.cols() / Q8Activations.BLOCK;
        pool.parallelFor(w.rows(), ROW_BLOCK, (r0, r1) -> {
            for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
                int re = Math.min(r1, rb + ROW_BLOCK);
                int t = 0;
                for (; t + TILE <= nTokens; t += TILE) {
                    for (int r = rb; r < re; r++) {
                        int yi = yOff + t * yStride + r;
                        if (q8) Int8Dot.q8_0x4(seg, w.rowOffset(r), nb, a, t, y, yi, yStride);
                        else Int8Dot.q4_0x4(seg, w.rowOffset(r), nb, a, t, y, yi, yStride);
                    }
                }
                for (; t < nTokens; t++) {
                    for (int r = rb; r < re; r++) {
                        long off = w.rowOffset(r);
                        y[yOff + t * yStride + r] = q8 ? Int8Dot.q8_0(seg, off, nb, a, t) : Int8Dot.q4_0(seg, off, nb, a, t);
                    }
                }
            }
        });
    }

    private static void direct(WeightView w, float[] x, int xOff, int xStride, int nTokens,
                               float[] y, int yOff, int yStride, CpuThreads pool) {
        MemorySegment seg = w.data();
        int cols = w.cols();
        QuantType type = w.type();
        pool.parallelFor(w.rows(), ROW_BLOCK, (r0, r1) -> {
            for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
                int re = Math.min(r1, rb + ROW_BLOCK);
                int t = 0;
                for (; t + TILE <= nTokens; t += TILE) {
                    int xi = xOff + t * xStride;
                    for (int r = rb; r < re; r++) {
                        long off = w.rowOffset(r);
                        int yi = yOff + t * yStride + r;
                        switch (type) {
                            case F32 -> FloatDot.dot4F32(seg, off, cols, x, xi, xStride, y, yi, yStride);
                            case F16 -> FloatDot.dot4F16(seg, off, cols, x, xi, xStride, y, yi, yStride);
                            default -> FloatDot.dot4BF16(seg, off, cols, x, xi, xStride, y, yi, yStride);
                        }
                    }
                }
                for (; t < nTokens; t++) {
                    int xi = xOff + t * xStride;
                    for (int r = rb; r < re; r++) {
                        long off = w.rowOffset(r);
                        y[yOff + t * yStride + r] = switch (type) {
                            case F32 -> FloatDot.dot1F32(seg, off, cols, x, xi);
                            case F16 -> FloatDot.dot1F16(seg, off, cols, x, xi);
                            default -> FloatDot.dot1BF16(seg, off, cols, x, xi);
                        };
                    }
                }
            }
        });
    }

    private static void dequantized(WeightView w, float[] x, int xOff, int xStride, int nTokens,
                                    float[] y, int yOff, int yStride, CpuThreads pool) {
        int cols = w.cols();
        int block = Math.max(1, Math.min(ROW_BLOCK, DEQUANT_FLOATS / cols));
        // Tokens left over after the tiles of 4 use a fused kernel where there is one: no row buffer round trip.
        boolean fused = KQuantDot.AVAILABLE && (w.type() == QuantType.Q4_K || w.type() == QuantType.Q6_K);
        int singles = nTokens % TILE;
        float[] sums = null;
        if (fused && w.type() == QuantType.Q4_K) {
            sums = GROUP_SUMS.get();
            if (sums.length < nTokens * (cols / 32)) GROUP_SUMS.set(sums = new float[nTokens * (cols / 32)]);
            KQuantDot.groupSums(x, xOff, xStride, nTokens, cols, sums);
        }
        float[] groupSums = sums;
        pool.parallelFor(w.rows(), block, (r0, r1) -> {
            float[] buf = ROW_BUFFER.get();
            if (buf.length < block * cols) ROW_BUFFER.set(buf = new float[block * cols]);
            for (int rb = r0; rb < r1; rb += block) {
                int re = Math.min(r1, rb + block);
                int tiled = nTokens - singles;
                if (tiled > 0 || !fused) {
                    for (int r = rb; r < re; r++) RowDequant.dequantize(w.type(), w.data(), w.rowOffset(r), buf, (r - rb) * cols, cols);
                }
                for (int t = 0; t < tiled; t += TILE)
                    for (int r = rb; r < re; r++)
                        FloatDot.dot4(buf, (r - rb) * cols, cols, x, xOff + t * xStride, xStride, y, yOff + t * yStride + r, yStride);
                for (int t = tiled; t < nTokens; t++)
                    for (int r = rb; r < re; r++)
                        y[yOff + t * yStride + r] = fused ? fusedDot(w, r, x, xOff + t * xStride, groupSums, t * (cols / 32))
                                : FloatDot.dot1(buf, (r - rb) * cols, cols, x, xOff + t * xStride);
            }
        });
    }

    private static float fusedDot(WeightView w, int r, float[] x, int xi, float[] sums, int si) {
        int nb = w.cols() / 256;
        return w.type() == QuantType.Q4_K ? KQuantDot.q4K(w.data(), w.rowOffset(r), nb, x, xi, sums, si)
                : KQuantDot.q6K(w.data(), w.rowOffset(r), nb, x, xi);
    }
}
