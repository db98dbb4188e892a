package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Test helpers: random but valid GGML weight bytes, and rows decoded by the scalar codecs for the oracle. */
final class ScalarOracle {
    private ScalarOracle() {}

    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** rows × cols of random weights of type t: random quants and small random f16 scales. */
    static MemorySegment randomWeights(Arena arena, QuantType t, int rows, int cols, Random rnd) {
        long bytes = t.bytesFor((long) rows * cols);
        MemorySegment seg = arena.allocate(bytes, 64);
        for (long i = 0; i < bytes; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
        long nBlocks = (long) rows * cols / t.blockSize;
        for (long b = 0; b < nBlocks; b++) {
            long p = b * t.blockBytes;
            switch (t) {
                case F32 -> seg.set(F32, p, (float) rnd.nextGaussian());
                case F16 -> seg.set(I16, p, Float.floatToFloat16((float) rnd.nextGaussian()));
                case BF16 -> seg.set(I16, p, (short) (Float.floatToIntBits((float) rnd.nextGaussian()) >>> 16));
                case Q8_0, Q4_0 -> seg.set(I16, p, scale(rnd));
                case Q4_K -> {
                    seg.set(I16, p, scale(rnd));
                    seg.set(I16, p + 2, scale(rnd));
                }
                case Q6_K -> seg.set(I16, p + 208, scale(rnd));
                default -> throw new IllegalArgumentException("no generator for " + t);
            }
        }
        return seg;
    }

    private static short scale(Random rnd) {
        return Float.floatToFloat16((float) (0.001 + 0.02 * rnd.nextDouble()));
    }

    /** Row of a view of type t, dequantized by the scalar reference codecs (independent of the kernels). */
    static double[] row(MemorySegment w, QuantType t, long off, int cols) {
        float[] f = new float[cols];
        QuantCodecs.dequantize(t, w, off, f, 0, cols);
        double[] out = new double[cols];
        for (int i = 0; i < cols; i++) out[i] = f[i];
        return out;
    }
}
