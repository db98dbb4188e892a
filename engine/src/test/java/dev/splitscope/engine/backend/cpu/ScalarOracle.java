package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Test helpers: random but valid GGML weight bytes, and the naive double-precision matmul oracle. */
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

    /** Row r of a view of type t, dequantized independently of the kernels. */
    static double[] row(MemorySegment w, QuantType t, long off, int cols) {
        double[] out = new double[cols];
        for (int b = 0; b < cols / t.blockSize; b++) block(w, t, off + (long) b * t.blockBytes, out, b * t.blockSize);
        return out;
    }

    private static int ub(MemorySegment w, long p) {
        return w.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    private static double f16(MemorySegment w, long p) {
        return Float.float16ToFloat(w.get(I16, p));
    }

    private static void block(MemorySegment w, QuantType t, long p, double[] o, int i) {
        switch (t) {
            case F32 -> o[i] = w.get(F32, p);
            case F16 -> o[i] = f16(w, p);
            case BF16 -> o[i] = Float.intBitsToFloat(w.get(I16, p) << 16);
            case Q8_0 -> {
                for (int j = 0; j < 32; j++) o[i + j] = f16(w, p) * w.get(ValueLayout.JAVA_BYTE, p + 2 + j);
            }
            case Q4_0 -> {
                for (int j = 0; j < 16; j++) {
                    o[i + j] = f16(w, p) * ((ub(w, p + 2 + j) & 15) - 8);
                    o[i + j + 16] = f16(w, p) * ((ub(w, p + 2 + j) >> 4) - 8);
                }
            }
            case Q4_K -> q4K(w, p, o, i);
            case Q6_K -> q6K(w, p, o, i);
            default -> throw new IllegalArgumentException("no oracle for " + t);
        }
    }

    // Q4_K: 8 sub-blocks of 32; 6-bit scale/min j: j<4 from bytes j, j+4; else split over bytes j+4 (low) and j-4 / j (top 2 bits).
    private static void q4K(MemorySegment w, long p, double[] o, int i) {
        double d = f16(w, p), dmin = f16(w, p + 2);
        int[] sc = new int[8], mn = new int[8];
        for (int j = 0; j < 8; j++) {
            int[] s = new int[12];
            for (int k = 0; k < 12; k++) s[k] = ub(w, p + 4 + k);
            if (j < 4) {
                sc[j] = s[j] & 63;
                mn[j] = s[j + 4] & 63;
            } else {
                sc[j] = (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4);
                mn[j] = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
            }
        }
        for (int e = 0; e < 256; e++) {
            int sub = e / 32, chunk = e / 64, l = e % 32;
            int q = ub(w, p + 16 + 32 * chunk + l);
            int v = (sub % 2 == 0) ? (q & 15) : (q >> 4);
            o[i + e] = d * sc[sub] * v - dmin * mn[sub];
        }
    }

    // Q6_K: value e in half h = e/128, k = e%128, quarter g = k/32, l = k%32; low 4 bits from ql, high 2 from qh.
    private static void q6K(MemorySegment w, long p, double[] o, int i) {
        double d = f16(w, p + 208);
        for (int e = 0; e < 256; e++) {
            int h = e / 128, k = e % 128, g = k / 32, l = k % 32;
            int qlByte = ub(w, p + 64 * h + l + (g % 2 == 1 ? 32 : 0));
            int low = g < 2 ? (qlByte & 15) : (qlByte >> 4);
            int high = (ub(w, p + 128 + 32 * h + l) >> (2 * g)) & 3;
            int scale = w.get(ValueLayout.JAVA_BYTE, p + 192 + 8 * h + l / 16 + 2 * g);
            o[i + e] = d * scale * ((low | (high << 4)) - 32);
        }
    }
}
