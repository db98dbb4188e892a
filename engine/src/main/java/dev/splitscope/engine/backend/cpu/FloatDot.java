package dev.splitscope.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Float dot products of F32, F16 and BF16 weight rows (read straight from the segment and widened in registers) and
 * of already-dequantized float rows, against f32 activations; 1 or 4 tokens per pass over the row.
 */
final class FloatDot {
    private FloatDot() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final int F = FS.length();
    /** Half-width shorts: F of them widen to one float vector. */
    static final VectorSpecies<Short> HS = VectorSpecies.of(short.class, VectorShape.forBitSize(F * 16));
    static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final FloatVector TWO_112 = FloatVector.broadcast(FS, 0x1p112f);

    /** Element kinds a weight row can hold here. */
    enum Kind { F32, F16, BF16 }

    /** F lanes of the row starting at element c, as floats. */
    static FloatVector load(Kind k, MemorySegment w, long off, int c) {
        return switch (k) {
            case F32 -> FloatVector.fromMemorySegment(FS, w, off + 4L * c, LE);
            case F16 -> f16ToFloat(halves(w, off + 2L * c));
            case BF16 -> halves(w, off + 2L * c).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        };
    }

    private static IntVector halves(MemorySegment w, long p) {
        return (IntVector) ShortVector.fromMemorySegment(HS, w, p, LE).convertShape(VectorOperators.S2I, IS, 0);
    }

    /**
     * IEEE half bits (sign-extended in int lanes) to float: shift exponent and mantissa into place and multiply by
     * 2^112 to rebias (exact, subnormals included); infinities and NaNs get an all-ones exponent instead.
     */
    static FloatVector f16ToFloat(IntVector h) {
        IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector bits = mag.reinterpretAsFloats().mul(TWO_112).reinterpretAsInts();
        VectorMask<Integer> special = h.and(0x7C00).eq(0x7C00);
        bits = bits.blend(mag.or(0x70000000), special);
        return bits.or(sign).reinterpretAsFloats();
    }

    /** Dot of a row (cols a multiple of F) with x[xi..]. */
    static float dot1(Kind k, MemorySegment w, long off, int cols, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int c = 0;
        for (; c + 2 * F <= cols; c += 2 * F) {
            a0 = load(k, w, off, c).fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = load(k, w, off, c + F).fma(FloatVector.fromArray(FS, x, xi + c + F), a1);
        }
        for (; c + F <= cols; c += F) a0 = load(k, w, off, c).fma(FloatVector.fromArray(FS, x, xi + c), a0);
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) s += scalar(k, w, off, c) * x[xi + c];
        return s;
    }

    /** Dots of a row with 4 tokens at x[xi + k * xStride], written to y[yi + k * yStride]. */
    static void dot4(Kind k, MemorySegment w, long off, int cols, float[] x, int xi, int xStride,
                     float[] y, int yi, int yStride) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int x1 = xi + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        int c = 0;
        for (; c + F <= cols; c += F) {
            FloatVector wv = load(k, w, off, c);
            a0 = wv.fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = wv.fma(FloatVector.fromArray(FS, x, x1 + c), a1);
            a2 = wv.fma(FloatVector.fromArray(FS, x, x2 + c), a2);
            a3 = wv.fma(FloatVector.fromArray(FS, x, x3 + c), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v = scalar(k, w, off, c);
            s0 += v * x[xi + c];
            s1 += v * x[x1 + c];
            s2 += v * x[x2 + c];
            s3 += v * x[x3 + c];
        }
        y[yi] = s0;
        y[yi + yStride] = s1;
        y[yi + 2 * yStride] = s2;
        y[yi + 3 * yStride] = s3;
    }

    /** Dot of the float row r[ri..ri+cols) with x[xi..]. */
    static float dot1(float[] r, int ri, int cols, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int c = 0;
        for (; c + 2 * F <= cols; c += 2 * F) {
            a0 = FloatVector.fromArray(FS, r, ri + c).fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = FloatVector.fromArray(FS, r, ri + c + F).fma(FloatVector.fromArray(FS, x, xi + c + F), a1);
        }
        for (; c + F <= cols; c += F) a0 = FloatVector.fromArray(FS, r, ri + c).fma(FloatVector.fromArray(FS, x, xi + c), a0);
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) s += r[ri + c] * x[xi + c];
        return s;
    }

    /** Dots of the float row r[ri..] with 4 tokens at x[xi + k * xStride], written to y[yi + k * yStride]. */
    static void dot4(float[] r, int ri, int cols, float[] x, int xi, int xStride, float[] y, int yi, int yStride) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int x1 = xi + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        int c = 0;
        for (; c + F <= cols; c += F) {
            FloatVector wv = FloatVector.fromArray(FS, r, ri + c);
            a0 = wv.fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = wv.fma(FloatVector.fromArray(FS, x, x1 + c), a1);
            a2 = wv.fma(FloatVector.fromArray(FS, x, x2 + c), a2);
            a3 = wv.fma(FloatVector.fromArray(FS, x, x3 + c), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v = r[ri + c];
            s0 += v * x[xi + c];
            s1 += v * x[x1 + c];
            s2 += v * x[x2 + c];
            s3 += v * x[x3 + c];
        }
        y[yi] = s0;
        y[yi + yStride] = s1;
        y[yi + 2 * yStride] = s2;
        y[yi + 3 * yStride] = s3;
    }

    private static float scalar(Kind k, MemorySegment w, long off, int c) {
        return switch (k) {
            case F32 -> w.get(RowDequant.F32, off + 4L * c);
            case F16 -> Float.float16ToFloat(w.get(RowDequant.I16, off + 2L * c));
            case BF16 -> Float.intBitsToFloat(w.get(RowDequant.I16, off + 2L * c) << 16);
        };
    }
}
