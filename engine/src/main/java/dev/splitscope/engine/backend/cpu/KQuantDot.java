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
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static IntVector bytes16(MemorySegment w, long p) {
        return (IntVector) ByteVector.fromMemorySegment(B16, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
    }

    private static FloatVector f(IntVector v) {
        return (FloatVector) v.convertShape(VectorOperators.I2F, FS, 0);
    }

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
        FloatVector acc = FloatVector.zero(FS);
        float mins = 0;
        {
            float d = Float.float16ToFloat(w.get(F16, p)), dmin = Float.float16ToFloat(w.get(F16, p + 2));
            long sp = p + 4;
            for (int j = 0; j < 4; j++) {
                long q = p + 16 + 32L * j;
                int xo = xb + 64 * j, g = gb + 2 * j;
                IntVector v0 = bytes16(w, q), v1 = bytes16(w, q + 16);
                FloatVector lo = f(v0.and(0xF)).mul(FloatVector.fromArray(FS, x, xo))
                        .add(f(v1.and(0xF)).mul(FloatVector.fromArray(FS, x, xo + 16)));
                FloatVector hi = f(v0.lanewise(VectorOperators.LSHR, 4)).mul(FloatVector.fromArray(FS, x, xo + 32))
                        .add(f(v1.lanewise(VectorOperators.LSHR, 4)).mul(FloatVector.fromArray(FS, x, xo + 48)));
                acc = lo.fma(FloatVector.broadcast(FS, d * RowDequant.scaleK4(w, sp, 2 * j)), acc);
                acc = hi.fma(FloatVector.broadcast(FS, d * RowDequant.scaleK4(w, sp, 2 * j + 1)), acc);
                mins += dmin * (RowDequant.minK4(w, sp, 2 * j) * sums32[g] + RowDequant.minK4(w, sp, 2 * j + 1) * sums32[g + 1]);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) - mins;
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
