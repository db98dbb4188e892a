package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Dequantizes weight rows to f32 for the matmul's float path: Vector API decoders for the K-quants that have no
 * integer kernel here (Q4_K, Q6_K); every other type goes through the scalar codecs ({@link QuantCodecs}).
 */
final class RowDequant {
    private RowDequant() {}

    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final boolean WIDE = FloatVector.SPECIES_PREFERRED.length() >= 16;

    /** Decodes n values (whole blocks) of type t at w[off..] into dst[dstOff..]. */
    static void dequantize(QuantType t, MemorySegment w, long off, float[] dst, int dstOff, int n) {
        switch (t) {
            case Q4_K -> { for (int b = 0; b < n / 256; b++) q4K(w, off + 144L * b, dst, dstOff + 256 * b); }
            case Q6_K -> { for (int b = 0; b < n / 256; b++) q6K(w, off + 210L * b, dst, dstOff + 256 * b); }
            default -> QuantCodecs.dequantize(t, w, off, dst, dstOff, n);
        }
    }

    /** 16 bytes at p as zero-extended ints. */
    private static IntVector bytes16(MemorySegment w, long p) {
        return (IntVector) ByteVector.fromMemorySegment(B16, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
    }

    /**
     * Q4_K super-block (256 values, 144 bytes): f16 d, f16 dmin, 12 bytes of packed 6-bit (scale, min) pairs for
     * 8 sub-blocks of 32, then 128 bytes of nibbles; 64 values per 32 bytes (low nibbles first). x = d·sc·q − dmin·m.
     */
    static void q4K(MemorySegment w, long p, float[] dst, int o) {
        float d = Float.float16ToFloat(w.get(I16, p));
        float dmin = Float.float16ToFloat(w.get(I16, p + 2));
        long sp = p + 4, qp = p + 16;
        for (int j = 0; j < 4; j++) {
            int is = 2 * j;
            float d1 = d * scaleK4(w, sp, is), m1 = dmin * minK4(w, sp, is);
            float d2 = d * scaleK4(w, sp, is + 1), m2 = dmin * minK4(w, sp, is + 1);
            long q = qp + 32L * j;
            int out = o + 64 * j;
            if (WIDE) {
                for (int h = 0; h < 32; h += 16) {
                    IntVector v = bytes16(w, q + h);
                    v.and(0xF).convertShape(VectorOperators.I2F, FS, 0).reinterpretAsFloats()
                            .fma(d1, -m1).intoArray(dst, out + h);
                    v.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0).reinterpretAsFloats()
                            .fma(d2, -m2).intoArray(dst, out + 32 + h);
                }
            } else {
                for (int l = 0; l < 32; l++) {
                    int b = w.get(ValueLayout.JAVA_BYTE, q + l) & 0xFF;
                    dst[out + l] = d1 * (b & 0xF) - m1;
                    dst[out + 32 + l] = d2 * (b >>> 4) - m2;
                }
            }
        }
    }

    static int scaleK4(MemorySegment w, long sp, int j) {
        if (j < 4) return ub(w, sp + j) & 63;
        return (ub(w, sp + j + 4) & 0xF) | ((ub(w, sp + j - 4) >>> 6) << 4);
    }

    static int minK4(MemorySegment w, long sp, int j) {
        if (j < 4) return ub(w, sp + j + 4) & 63;
        return (ub(w, sp + j + 4) >>> 4) | ((ub(w, sp + j) >>> 6) << 4);
    }

    private static int ub(MemorySegment w, long p) {
        return w.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    /**
     * Q6_K super-block (256 values, 210 bytes): 128 bytes low nibbles (ql), 64 bytes of 2-bit high parts (qh),
     * 16 int8 scales (one per 16 values), f16 d. Per half of 128: ql[l], ql[l+32] and qh[l] (l < 32) give values
     * l, l+32, l+64, l+96 as 6-bit q − 32; x = d·scale·(q − 32).
     */
    static void q6K(MemorySegment w, long p, float[] dst, int o) {
        float d = Float.float16ToFloat(w.get(I16, p + 208));
        for (int half = 0; half < 2; half++) {
            long ql = p + 64L * half, qh = p + 128 + 32L * half, sc = p + 192 + 8L * half;
            int out = o + 128 * half;
            for (int l0 = 0; l0 < 32; l0 += 16) {
                int is = l0 / 16;
                float s1 = d * w.get(ValueLayout.JAVA_BYTE, sc + is), s2 = d * w.get(ValueLayout.JAVA_BYTE, sc + is + 2);
                float s3 = d * w.get(ValueLayout.JAVA_BYTE, sc + is + 4), s4 = d * w.get(ValueLayout.JAVA_BYTE, sc + is + 6);
                if (WIDE) {
                    IntVector a = bytes16(w, ql + l0), b = bytes16(w, ql + 32 + l0), h = bytes16(w, qh + l0);
                    q6Store(a.and(0xF), h, 0, s1, dst, out + l0);
                    q6Store(b.and(0xF), h, 2, s2, dst, out + 32 + l0);
                    q6Store(a.lanewise(VectorOperators.LSHR, 4), h, 4, s3, dst, out + 64 + l0);
                    q6Store(b.lanewise(VectorOperators.LSHR, 4), h, 6, s4, dst, out + 96 + l0);
                } else {
                    for (int l = l0; l < l0 + 16; l++) {
                        int a = ub(w, ql + l), b = ub(w, ql + 32 + l), h = ub(w, qh + l);
                        dst[out + l] = s1 * (((a & 0xF) | ((h & 3) << 4)) - 32);
                        dst[out + 32 + l] = s2 * (((b & 0xF) | (((h >>> 2) & 3) << 4)) - 32);
                        dst[out + 64 + l] = s3 * (((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
                        dst[out + 96 + l] = s4 * (((b >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
                    }
                }
            }
        }
    }

    private static void q6Store(IntVector low, IntVector h, int shift, float s, float[] dst, int o) {
        IntVector q = low.or(h.lanewise(VectorOperators.LSHR, shift).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
        ((FloatVector) q.convertShape(VectorOperators.I2F, FS, 0)).mul(s).intoArray(dst, o);
    }
}
