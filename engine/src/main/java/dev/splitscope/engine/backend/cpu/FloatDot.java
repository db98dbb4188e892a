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

    // One dot1/dot4 pair per element type rather than a switch inside one loop: a loop whose profile has seen
    // several types may fail to inline the widening and box a vector per step (measured: 10x slower).

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

    /** Dot of the F32 row at byte offset off (cols values) with x[xi..]. */
    static float dot1F32(MemorySegment w, long off, int cols, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int c = 0;
        for (; c + 2 * F <= cols; c += 2 * F) {
            a0 = FloatVector.fromMemorySegment(FS, w, off + 4L * c, LE).fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = FloatVector.fromMemorySegment(FS, w, off + 4L * (c + F), LE).fma(FloatVector.fromArray(FS, x, xi + c + F), a1);
        }
        for (; c + F <= cols; c += F) a0 = FloatVector.fromMemorySegment(FS, w, off + 4L * c, LE).fma(FloatVector.fromArray(FS, x, xi + c), a0);
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) s += w.get(RowDequant.F32, off + 4L * c) * x[xi + c];
        return s;
    }

    /** Dots of the F32 row at off with 4 tokens at x[xi + k·xStride], written to y[yi + k·yStride]. */
    static void dot4F32(MemorySegment w, long off, int cols, float[] x, int xi, int xStride, float[] y, int yi, int yStride) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int x1 = xi + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        int c = 0;
        for (; c + F <= cols; c += F) {
            FloatVector wv = FloatVector.fromMemorySegment(FS, w, off + 4L * c, LE);
            a0 = wv.fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = wv.fma(FloatVector.fromArray(FS, x, x1 + c), a1);
            a2 = wv.fma(FloatVector.fromArray(FS, x, x2 + c), a2);
            a3 = wv.fma(FloatVector.fromArray(FS, x, x3 + c), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v = w.get(RowDequant.F32, off + 4L * c);
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

    /** Dot of the F16 row at byte offset off (cols values) with x[xi..]. */
    static float dot1F16(MemorySegment w, long off, int cols, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int c = 0;
        for (; c + 2 * F <= cols; c += 2 * F) {
            a0 = f16ToFloat(halves(w, off + 2L * c)).fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = f16ToFloat(halves(w, off + 2L * (c + F))).fma(FloatVector.fromArray(FS, x, xi + c + F), a1);
        }
        for (; c + F <= cols; c += F) a0 = f16ToFloat(halves(w, off + 2L * c)).fma(FloatVector.fromArray(FS, x, xi + c), a0);
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) s += Float.float16ToFloat(w.get(RowDequant.I16, off + 2L * c)) * x[xi + c];
        return s;
    }

    /** Dots of the F16 row at off with 4 tokens at x[xi + k·xStride], written to y[yi + k·yStride]. */
    static void dot4F16(MemorySegment w, long off, int cols, float[] x, int xi, int xStride, float[] y, int yi, int yStride) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int x1 = xi + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        int c = 0;
        for (; c + F <= cols; c += F) {
            FloatVector wv = f16ToFloat(halves(w, off + 2L * c));
            a0 = wv.fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = wv.fma(FloatVector.fromArray(FS, x, x1 + c), a1);
            a2 = wv.fma(FloatVector.fromArray(FS, x, x2 + c), a2);
            a3 = wv.fma(FloatVector.fromArray(FS, x, x3 + c), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v = Float.float16ToFloat(w.get(RowDequant.I16, off + 2L * c));
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

    /** Dot of the BF16 row at byte offset off (cols values) with x[xi..]. */
    static float dot1BF16(MemorySegment w, long off, int cols, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int c = 0;
        for (; c + 2 * F <= cols; c += 2 * F) {
            a0 = halves(w, off + 2L * c).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = halves(w, off + 2L * (c + F)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FS, x, xi + c + F), a1);
        }
        for (; c + F <= cols; c += F) a0 = halves(w, off + 2L * c).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FS, x, xi + c), a0);
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) s += Float.intBitsToFloat(w.get(RowDequant.I16, off + 2L * c) << 16) * x[xi + c];
        return s;
    }

    /** Dots of the BF16 row at off with 4 tokens at x[xi + k·xStride], written to y[yi + k·yStride]. */
    static void dot4BF16(MemorySegment w, long off, int cols, float[] x, int xi, int xStride, float[] y, int yi, int yStride) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int x1 = xi + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        int c = 0;
        for (; c + F <= cols; c += F) {
            FloatVector wv = halves(w, off + 2L * c).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            a0 = wv.fma(FloatVector.fromArray(FS, x, xi + c), a0);
            a1 = wv.fma(FloatVector.fromArray(FS, x, x1 + c), a1);
            a2 = wv.fma(FloatVector.fromArray(FS, x, x2 + c), a2);
            a3 = wv.fma(FloatVector.fromArray(FS, x, x3 + c), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v = Float.intBitsToFloat(w.get(RowDequant.I16, off + 2L * c) << 16);
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
}
