package dev.splitscope.engine.backend.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Integer dot products of Q8_0 / Q4_0 weight rows against {@link Q8Activations}, as ggml's vec_dot_q8_0_q8_0 and
 * vec_dot_q4_0_q8_0: each block's 32 int8 × int8 products are summed exactly in int32 lanes, then the lanes are
 * scaled by weight scale × activation scale into a float accumulator. Weight bytes (and the int16 activations) are
 * widened straight to int32: measured on AVX-512, this beat int16 products plus a pairwise int16→int32 sum (the
 * Vector API has no pmaddwd).
 */
final class Int8Dot {
    private Int8Dot() {}

    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED.length() >= 16
            ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    /** Int lanes per step: 16 with AVX-512 (half a block), else 8. */
    static final int L = IS.length();
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Activations are stored as int16 and widened on load (one instruction): half the cache footprint of int32. */
    static final VectorSpecies<Short> XS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, IS.vectorShape());
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int Q8_0_BYTES = 34;
    static final int Q4_0_BYTES = 18;

    private static IntVector signed(MemorySegment w, long p) {
        return (IntVector) ByteVector.fromMemorySegment(BS, w, p, LE).convertShape(VectorOperators.B2I, IS, 0);
    }

    private static IntVector unsigned(MemorySegment w, long p) {
        return (IntVector) ByteVector.fromMemorySegment(BS, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
    }

    // convertShape with a constant species: convert(I2F, 0) derives the species at run time and is not intrinsified.
    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convertShape(VectorOperators.I2F, FS, 0);
    }

    // The one-token kernels are written out flat: a helper that returns a vector and is not inlined (C2 skips
    // callees over 35 bytecodes unless the call site is hot) boxes that vector on every call.

    /** Dot of the Q8_0 row at byte offset off (nb blocks) with token t of a. */
    static float q8_0(MemorySegment w, long off, int nb, Q8Activations a, int t) {
        short[] xq = a.q;
        float[] xd = a.d;
        int xb = t * a.cols, db = t * a.blocks;
        FloatVector acc0 = FloatVector.zero(FS), acc1 = acc0;
        int b = 0;
        for (; b + 1 < nb; b += 2) {
            long p = off + (long) b * Q8_0_BYTES, p1 = p + Q8_0_BYTES;
            int xi = xb + 32 * b;
            float s0 = Float.float16ToFloat(w.get(F16, p)) * xd[db + b];
            float s1 = Float.float16ToFloat(w.get(F16, p1)) * xd[db + b + 1];
            IntVector i0 = signed(w, p + 2).mul(((IntVector) ShortVector.fromArray(XS, xq, xi).convertShape(VectorOperators.S2I, IS, 0)));
            IntVector i1 = signed(w, p1 + 2).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + 32).convertShape(VectorOperators.S2I, IS, 0)));
            for (int j = L; j < 32; j += L) {
                i0 = i0.add(signed(w, p + 2 + j).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + j).convertShape(VectorOperators.S2I, IS, 0))));
                i1 = i1.add(signed(w, p1 + 2 + j).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + 32 + j).convertShape(VectorOperators.S2I, IS, 0))));
            }
            acc0 = toFloat(i0).fma(FloatVector.broadcast(FS, s0), acc0);
            acc1 = toFloat(i1).fma(FloatVector.broadcast(FS, s1), acc1);
        }
        for (; b < nb; b++) {
            long p = off + (long) b * Q8_0_BYTES;
            int xi = xb + 32 * b;
            float s0 = Float.float16ToFloat(w.get(F16, p)) * xd[db + b];
            IntVector i0 = signed(w, p + 2).mul(((IntVector) ShortVector.fromArray(XS, xq, xi).convertShape(VectorOperators.S2I, IS, 0)));
            for (int j = L; j < 32; j += L) i0 = i0.add(signed(w, p + 2 + j).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + j).convertShape(VectorOperators.S2I, IS, 0))));
            acc0 = toFloat(i0).fma(FloatVector.broadcast(FS, s0), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Dot of the Q4_0 row at off with token t. Byte j of a block holds elements j (low nibble) and j + 16 (high), as
     * unsigned 0..15; the offset of 8 comes off in integers, Σ (u − 8)·x = Σ u·x − 8·Σ x, by subtracting activation
     * lanes that sum to 8·Σ x, so the block sum is exact and nothing cancels in floating point.
     */
    static float q4_0(MemorySegment w, long off, int nb, Q8Activations a, int t) {
        short[] xq = a.q, s8 = a.s8;
        float[] xd = a.d;
        int xb = t * a.cols, db = t * a.blocks;
        FloatVector acc0 = FloatVector.zero(FS), acc1 = acc0;
        int b = 0;
        for (; b + 1 < nb; b += 2) {
            long p = off + (long) b * Q4_0_BYTES, p1 = p + Q4_0_BYTES;
            int xi = xb + 32 * b, si = (db + b) * 16;
            float dw0 = Float.float16ToFloat(w.get(F16, p)), dw1 = Float.float16ToFloat(w.get(F16, p1));
            IntVector i0 = IntVector.zero(IS), i1 = i0;
            for (int j = 0; j < 16; j += L) {
                IntVector u0 = unsigned(w, p + 2 + j), u1 = unsigned(w, p1 + 2 + j);
                i0 = i0.add(u0.and(0xF).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + j).convertShape(VectorOperators.S2I, IS, 0))))
                        .add(u0.lanewise(VectorOperators.ASHR, 4).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + 16 + j).convertShape(VectorOperators.S2I, IS, 0))))
                        .sub(((IntVector) ShortVector.fromArray(XS, s8, si + j).convertShape(VectorOperators.S2I, IS, 0)));
                i1 = i1.add(u1.and(0xF).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + 32 + j).convertShape(VectorOperators.S2I, IS, 0))))
                        .add(u1.lanewise(VectorOperators.ASHR, 4).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + 48 + j).convertShape(VectorOperators.S2I, IS, 0))))
                        .sub(((IntVector) ShortVector.fromArray(XS, s8, si + 16 + j).convertShape(VectorOperators.S2I, IS, 0)));
            }
            acc0 = toFloat(i0).fma(FloatVector.broadcast(FS, dw0 * xd[db + b]), acc0);
            acc1 = toFloat(i1).fma(FloatVector.broadcast(FS, dw1 * xd[db + b + 1]), acc1);
        }
        for (; b < nb; b++) {
            long p = off + (long) b * Q4_0_BYTES;
            int xi = xb + 32 * b, si = (db + b) * 16;
            float dw0 = Float.float16ToFloat(w.get(F16, p));
            IntVector i0 = IntVector.zero(IS);
            for (int j = 0; j < 16; j += L) {
                IntVector u0 = unsigned(w, p + 2 + j);
                i0 = i0.add(u0.and(0xF).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + j).convertShape(VectorOperators.S2I, IS, 0))))
                        .add(u0.lanewise(VectorOperators.ASHR, 4).mul(((IntVector) ShortVector.fromArray(XS, xq, xi + 16 + j).convertShape(VectorOperators.S2I, IS, 0))))
                        .sub(((IntVector) ShortVector.fromArray(XS, s8, si + j).convertShape(VectorOperators.S2I, IS, 0)));
            }
            acc0 = toFloat(i0).fma(FloatVector.broadcast(FS, dw0 * xd[db + b]), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Dots of one Q8_0 row with tokens t..t+3, written to y[yi + k·yStride]: each block is widened once for 4 tokens.
     * Written for 16 int lanes (AVX-512); narrower machines run the one-token kernel per token. Batches read the
     * int32 copy of the activations: with int16 ones widened on load, C2 left conversions out of line here (3x slower).
     */
    static void q8_0x4(MemorySegment w, long off, int nb, Q8Activations a, int t, float[] y, int yi, int yStride) {
        if (L != 16) {
            for (int k = 0; k < 4; k++) y[yi + k * yStride] = q8_0(w, off, nb, a, t + k);
            return;
        }
        int[] xq = a.qi;
        float[] xd = a.d;
        int cols = a.cols, nbx = a.blocks;
        int x0 = t * cols, d0 = t * nbx;
        FloatVector acc0 = FloatVector.zero(FS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long p = off + (long) b * Q8_0_BYTES;
            float dw = Float.float16ToFloat(w.get(F16, p));
            IntVector w0 = signed(w, p + 2), w1 = signed(w, p + 18);
            int xi = x0 + 32 * b, di = d0 + b;
            acc0 = toFloat(dot2(w0, w1, xq, xi)).fma(FloatVector.broadcast(FS, dw * xd[di]), acc0);
            acc1 = toFloat(dot2(w0, w1, xq, xi + cols)).fma(FloatVector.broadcast(FS, dw * xd[di + nbx]), acc1);
            acc2 = toFloat(dot2(w0, w1, xq, xi + 2 * cols)).fma(FloatVector.broadcast(FS, dw * xd[di + 2 * nbx]), acc2);
            acc3 = toFloat(dot2(w0, w1, xq, xi + 3 * cols)).fma(FloatVector.broadcast(FS, dw * xd[di + 3 * nbx]), acc3);
        }
        store4(y, yi, yStride, acc0, acc1, acc2, acc3);
    }

    private static IntVector dot2(IntVector w0, IntVector w1, int[] xq, int xi) {
        return w0.mul(IntVector.fromArray(IS, xq, xi)).add(w1.mul(IntVector.fromArray(IS, xq, xi + 16)));
    }

    /** Dots of one Q4_0 row with tokens t..t+3, written to y[yi + k·yStride]; nibbles are unpacked once for 4 tokens. */
    static void q4_0x4(MemorySegment w, long off, int nb, Q8Activations a, int t, float[] y, int yi, int yStride) {
        if (L != 16) {
            for (int k = 0; k < 4; k++) y[yi + k * yStride] = q4_0(w, off, nb, a, t + k);
            return;
        }
        int[] xq = a.qi, s8 = a.s8i;
        float[] xd = a.d;
        int cols = a.cols, nbx = a.blocks;
        int x0 = t * cols, d0 = t * nbx;
        FloatVector acc0 = FloatVector.zero(FS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long p = off + (long) b * Q4_0_BYTES;
            float dw = Float.float16ToFloat(w.get(F16, p));
            IntVector u = (IntVector) ByteVector.fromMemorySegment(BS, w, p + 2, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
            IntVector lo = u.and(0xF), hi = u.lanewise(VectorOperators.ASHR, 4); // elements 0..15, 16..31
            int xi = x0 + 32 * b, di = d0 + b;
            IntVector s0 = lo.mul(IntVector.fromArray(IS, xq, xi)).add(hi.mul(IntVector.fromArray(IS, xq, xi + 16))).sub(IntVector.fromArray(IS, s8, (di) * 16));
            acc0 = ((FloatVector) s0.convertShape(VectorOperators.I2F, FS, 0)).fma(FloatVector.broadcast(FS, dw * xd[di]), acc0);
            IntVector s1 = lo.mul(IntVector.fromArray(IS, xq, xi + cols)).add(hi.mul(IntVector.fromArray(IS, xq, xi + cols + 16))).sub(IntVector.fromArray(IS, s8, (di + nbx) * 16));
            acc1 = ((FloatVector) s1.convertShape(VectorOperators.I2F, FS, 0)).fma(FloatVector.broadcast(FS, dw * xd[di + nbx]), acc1);
            IntVector s2 = lo.mul(IntVector.fromArray(IS, xq, xi + 2 * cols)).add(hi.mul(IntVector.fromArray(IS, xq, xi + 2 * cols + 16))).sub(IntVector.fromArray(IS, s8, (di + 2 * nbx) * 16));
            acc2 = ((FloatVector) s2.convertShape(VectorOperators.I2F, FS, 0)).fma(FloatVector.broadcast(FS, dw * xd[di + 2 * nbx]), acc2);
            IntVector s3 = lo.mul(IntVector.fromArray(IS, xq, xi + 3 * cols)).add(hi.mul(IntVector.fromArray(IS, xq, xi + 3 * cols + 16))).sub(IntVector.fromArray(IS, s8, (di + 3 * nbx) * 16));
            acc3 = ((FloatVector) s3.convertShape(VectorOperators.I2F, FS, 0)).fma(FloatVector.broadcast(FS, dw * xd[di + 3 * nbx]), acc3);
        }
        store4(y, yi, yStride, acc0, acc1, acc2, acc3);
    }

    private static void store4(float[] y, int yi, int yStride, FloatVector a0, FloatVector a1, FloatVector a2,
                               FloatVector a3) {
        y[yi] = a0.reduceLanes(VectorOperators.ADD);
        y[yi + yStride] = a1.reduceLanes(VectorOperators.ADD);
        y[yi + 2 * yStride] = a2.reduceLanes(VectorOperators.ADD);
        y[yi + 3 * yStride] = a3.reduceLanes(VectorOperators.ADD);
    }
}
