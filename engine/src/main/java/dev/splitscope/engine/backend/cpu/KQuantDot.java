package dev.splitscope.engine.backend.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Fused one-token dots of Q4_K and Q6_K rows with f32 activations (block layouts in {@link RowDequant}): quants are
 * widened and multiplied in registers, never stored, which for a matvec halves the work of decode-then-dot. Batches
 * still decode each row once into a buffer and reuse it across tokens. Needs 16 float lanes ({@link #AVAILABLE}).
 */
final class KQuantDot {
    private KQuantDot() {}

    static final boolean AVAILABLE = FloatVector.SPECIES_PREFERRED.length() >= 16;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ValueLayout.OfShort F16 = RowDequant.I16;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Σ_c w[c]·x[xi+c] for a Q4_K row of nb super-blocks. Per sub-block of 32, x = d·sc·q − dmin·m, so the dot is
     * d·sc·Σ q·x − dmin·m·Σ x; sums32[si + k] holds Σ x over the row's k-th group of 32.
     */
    static float q4K(MemorySegment w, long off, int nb, float[] x, int xi, float[] sums32, int si) {
        float s = 0;
        for (int b = 0; b < nb; b++) s += q4KBlock(w, off + 144L * b, x, xi + 256 * b, sums32, si + 8 * b);
        return s;
    }

    // One super-block per call, returning a float: one method over a whole row grows past C2's node budget, and
    // the vector helpers it then fails to inline box a vector per call.
    private static float q4KBlock(MemorySegment w, long p, float[] x, int xb, float[] sums32, int gb) {
        float d = Float.float16ToFloat(w.get(F16, p)), dmin = Float.float16ToFloat(w.get(F16, p + 2));
        // The 12 scale bytes: 6-bit (scale, min) of sub-block k < 4 in bytes k, k + 4; for k >= 4 the low 4 bits
        // are in byte k + 4 and the top 2 bits in the spare high bits of bytes k - 4 (scale) and k (min).
        int s0 = w.get(I32, p + 4), s1 = w.get(I32, p + 8), s2 = w.get(I32, p + 12);
        int sc0 = (s0 >>> 0) & 63, m0 = (s1 >>> 0) & 63;
        int sc1 = (s0 >>> 8) & 63, m1 = (s1 >>> 8) & 63;
        int sc2 = (s0 >>> 16) & 63, m2 = (s1 >>> 16) & 63;
        int sc3 = (s0 >>> 24) & 63, m3 = (s1 >>> 24) & 63;
        int sc4 = ((s2 >>> 0) & 0xF) | (((s0 >>> 6) & 3) << 4), m4 = ((s2 >>> 4) & 0xF) | (((s1 >>> 6) & 3) << 4);
        int sc5 = ((s2 >>> 8) & 0xF) | (((s0 >>> 14) & 3) << 4), m5 = ((s2 >>> 12) & 0xF) | (((s1 >>> 14) & 3) << 4);
        int sc6 = ((s2 >>> 16) & 0xF) | (((s0 >>> 22) & 3) << 4), m6 = ((s2 >>> 20) & 0xF) | (((s1 >>> 22) & 3) << 4);
        int sc7 = ((s2 >>> 24) & 0xF) | (((s0 >>> 30) & 3) << 4), m7 = ((s2 >>> 28) & 0xF) | (((s1 >>> 30) & 3) << 4);
        float mins = 0;
        mins += m0 * sums32[gb + 0] + m1 * sums32[gb + 1] + m2 * sums32[gb + 2] + m3 * sums32[gb + 3];
        mins += m4 * sums32[gb + 4] + m5 * sums32[gb + 5] + m6 * sums32[gb + 6] + m7 * sums32[gb + 7];
        // Vector API calls written out (no helpers): past C2's inlining node budget a helper would box its result.
        FloatVector acc = FloatVector.zero(FS);
        {
            long q = p + 16 + 0;
            int xo = xb + 0;
            IntVector v0 = (IntVector) ByteVector.fromMemorySegment(B16, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            IntVector v1 = (IntVector) ByteVector.fromMemorySegment(B16, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            FloatVector lo = ((FloatVector) v0.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo))
                    .add(((FloatVector) v1.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 16)));
            FloatVector hi = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 32))
                    .add(((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 48)));
            acc = lo.fma(FloatVector.broadcast(FS, d * sc0), acc);
            acc = hi.fma(FloatVector.broadcast(FS, d * sc1), acc);
        }
        {
            long q = p + 16 + 32;
            int xo = xb + 64;
            IntVector v0 = (IntVector) ByteVector.fromMemorySegment(B16, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            IntVector v1 = (IntVector) ByteVector.fromMemorySegment(B16, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            FloatVector lo = ((FloatVector) v0.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo))
                    .add(((FloatVector) v1.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 16)));
            FloatVector hi = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 32))
                    .add(((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 48)));
            acc = lo.fma(FloatVector.broadcast(FS, d * sc2), acc);
            acc = hi.fma(FloatVector.broadcast(FS, d * sc3), acc);
        }
        {
            long q = p + 16 + 64;
            int xo = xb + 128;
            IntVector v0 = (IntVector) ByteVector.fromMemorySegment(B16, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            IntVector v1 = (IntVector) ByteVector.fromMemorySegment(B16, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            FloatVector lo = ((FloatVector) v0.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo))
                    .add(((FloatVector) v1.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 16)));
            FloatVector hi = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 32))
                    .add(((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 48)));
            acc = lo.fma(FloatVector.broadcast(FS, d * sc4), acc);
            acc = hi.fma(FloatVector.broadcast(FS, d * sc5), acc);
        }
        {
            long q = p + 16 + 96;
            int xo = xb + 192;
            IntVector v0 = (IntVector) ByteVector.fromMemorySegment(B16, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            IntVector v1 = (IntVector) ByteVector.fromMemorySegment(B16, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            FloatVector lo = ((FloatVector) v0.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo))
                    .add(((FloatVector) v1.and(0xF).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 16)));
            FloatVector hi = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 32))
                    .add(((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 48)));
            acc = lo.fma(FloatVector.broadcast(FS, d * sc6), acc);
            acc = hi.fma(FloatVector.broadcast(FS, d * sc7), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) - dmin * mins;
    }

    /** Σ_c w[c]·x[xi+c] for a Q6_K row of nb super-blocks: x = d·scale·(q − 32), q six bits from ql and qh. */
    static float q6K(MemorySegment w, long off, int nb, float[] x, int xi) {
        float s = 0;
        for (int b = 0; b < nb; b++) s += q6KBlock(w, off + 210L * b, x, xi + 256 * b);
        return s;
    }

    private static float q6KBlock(MemorySegment w, long p, float[] x, int xb) {
        FloatVector acc = FloatVector.zero(FS);
        {
            float d = Float.float16ToFloat(w.get(F16, p + 208));
            for (int half = 0; half < 2; half++) {
                long ql = p + 64L * half, qh = p + 128 + 32L * half, sc = p + 192 + 8L * half;
                int xo = xb + 128 * half;
                for (int l0 = 0; l0 < 32; l0 += 16) {
                    int is = l0 / 16;
                    // Vector API calls directly, no helpers: this method is past C2's node budget for inlining
                    // small helpers, and a helper left out of line boxes its vector result.
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(B16, w, ql + l0, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(B16, w, ql + 32 + l0, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
                    IntVector h = (IntVector) ByteVector.fromMemorySegment(B16, w, qh + l0, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
                    // q = low 4 bits | 2 high bits << 4, minus 32; four quarters of 32 values share ql / qh bytes.
                    IntVector q1 = a.and(0xF).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q2 = c.and(0xF).or(h.lanewise(VectorOperators.LSHR, 2).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q3 = a.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 4).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q4 = c.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    acc = ((FloatVector) q1.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + l0))
                            .fma(FloatVector.broadcast(FS, d * w.get(ValueLayout.JAVA_BYTE, sc + is)), acc);
                    acc = ((FloatVector) q2.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 32 + l0))
                            .fma(FloatVector.broadcast(FS, d * w.get(ValueLayout.JAVA_BYTE, sc + is + 2)), acc);
                    acc = ((FloatVector) q3.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 64 + l0))
                            .fma(FloatVector.broadcast(FS, d * w.get(ValueLayout.JAVA_BYTE, sc + is + 4)), acc);
                    acc = ((FloatVector) q4.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, x, xo + 96 + l0))
                            .fma(FloatVector.broadcast(FS, d * w.get(ValueLayout.JAVA_BYTE, sc + is + 6)), acc);
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** sums[t * (cols / 32) + k] = Σ x over group k of 32 of token t, for tokens [0, nTokens). */
    static void groupSums(float[] x, int xOff, int xStride, int nTokens, int cols, float[] sums) {
        int groups = cols / 32;
        for (int t = 0; t < nTokens; t++) {
            int base = xOff + t * xStride;
            for (int k = 0; k < groups; k++) {
                FloatVector v = FloatVector.fromArray(FS, x, base + 32 * k).add(FloatVector.fromArray(FS, x, base + 32 * k + 16));
                sums[t * groups + k] = v.reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
