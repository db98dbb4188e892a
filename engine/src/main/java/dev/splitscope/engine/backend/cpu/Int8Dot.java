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
 * Integer dot products of Q8_0 / Q4_0 weight rows against {@link Q8Activations}. Each block's 32 products are summed
 * exactly in int16/int32 lanes, then scaled by weight scale × activation scale into a float accumulator, as ggml's
 * vec_dot_q8_0_q8_0 does. Products fit int16 (|w| ≤ 128, |x| ≤ 127), and so does the sum of two of them; the
 * "pair sum" then adds the two int16 halves of every int32 lane (there is no pmaddwd in the Vector API).
 */
final class Int8Dot {
    private Int8Dot() {}

    /** Short lanes per step: a whole Q8_0 block (32) with 512-bit vectors, else half a block (16). */
    static final VectorSpecies<Short> SS = ShortVector.SPECIES_PREFERRED.length() >= 32
            ? ShortVector.SPECIES_512 : ShortVector.SPECIES_256;
    static final int L = SS.length();
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, SS.vectorShape());
    // Q4_0 holds 16 nibble bytes per block: always 16 short lanes.
    static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int Q8_0_BYTES = 34;
    static final int Q4_0_BYTES = 18;

    /** Sum of each int32 lane's two int16 halves, sign-correct. */
    static IntVector pairSum(ShortVector p) {
        IntVector pi = p.reinterpretAsInts();
        return pi.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(pi.lanewise(VectorOperators.ASHR, 16));
    }

    private static ShortVector widen8(MemorySegment w, long p) {
        return (ShortVector) ByteVector.fromMemorySegment(BS, w, p, LE).convertShape(VectorOperators.B2S, SS, 0);
    }

    /** Products of one Q8_0 block (quants at p) with 32 activations at xq[xi..]; int16 lanes each hold ≤ 2 products. */
    private static ShortVector q8Block(MemorySegment w, long p, short[] xq, int xi) {
        ShortVector prod = widen8(w, p).mul(ShortVector.fromArray(SS, xq, xi));
        if (L == 16) prod = prod.add(widen8(w, p + 16).mul(ShortVector.fromArray(SS, xq, xi + 16)));
        return prod;
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** Dot of the Q8_0 row at byte offset off (nb blocks) with token t of a. */
    static float q8_0(MemorySegment w, long off, int nb, Q8Activations a, int t) {
        short[] xq = a.q;
        float[] xd = a.d;
        int xb = t * a.cols, db = t * a.blocks;
        FloatVector acc0 = FloatVector.zero(FS), acc1 = FloatVector.zero(FS);
        int b = 0;
        for (; b + 1 < nb; b += 2) {
            long p = off + (long) b * Q8_0_BYTES;
            float s0 = Float.float16ToFloat(w.get(F16, p)) * xd[db + b];
            float s1 = Float.float16ToFloat(w.get(F16, p + Q8_0_BYTES)) * xd[db + b + 1];
            IntVector i0 = pairSum(q8Block(w, p + 2, xq, xb + b * 32));
            IntVector i1 = pairSum(q8Block(w, p + Q8_0_BYTES + 2, xq, xb + b * 32 + 32));
            acc0 = toFloat(i0).fma(FloatVector.broadcast(FS, s0), acc0);
            acc1 = toFloat(i1).fma(FloatVector.broadcast(FS, s1), acc1);
        }
        if (b < nb) {
            long p = off + (long) b * Q8_0_BYTES;
            float s = Float.float16ToFloat(w.get(F16, p)) * xd[db + b];
            acc0 = toFloat(pairSum(q8Block(w, p + 2, xq, xb + b * 32))).fma(FloatVector.broadcast(FS, s), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Dots of one Q8_0 row with tokens t..t+3, written to y[yi + k * yStride]: the row is unpacked once for 4 tokens. */
    static void q8_0x4(MemorySegment w, long off, int nb, Q8Activations a, int t, float[] y, int yi, int yStride) {
        short[] xq = a.q;
        float[] xd = a.d;
        int cols = a.cols, nbx = a.blocks;
        int x0 = t * cols, d0 = t * nbx;
        FloatVector acc0 = FloatVector.zero(FS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long p = off + (long) b * Q8_0_BYTES;
            float dw = Float.float16ToFloat(w.get(F16, p));
            int xi = x0 + b * 32, di = d0 + b;
            ShortVector w0 = widen8(w, p + 2);
            ShortVector w1 = L == 16 ? widen8(w, p + 18) : w0;
            acc0 = toFloat(pairSum(mul2(w0, w1, xq, xi))).fma(FloatVector.broadcast(FS, dw * xd[di]), acc0);
            acc1 = toFloat(pairSum(mul2(w0, w1, xq, xi + cols))).fma(FloatVector.broadcast(FS, dw * xd[di + nbx]), acc1);
            acc2 = toFloat(pairSum(mul2(w0, w1, xq, xi + 2 * cols))).fma(FloatVector.broadcast(FS, dw * xd[di + 2 * nbx]), acc2);
            acc3 = toFloat(pairSum(mul2(w0, w1, xq, xi + 3 * cols))).fma(FloatVector.broadcast(FS, dw * xd[di + 3 * nbx]), acc3);
        }
        y[yi] = acc0.reduceLanes(VectorOperators.ADD);
        y[yi + yStride] = acc1.reduceLanes(VectorOperators.ADD);
        y[yi + 2 * yStride] = acc2.reduceLanes(VectorOperators.ADD);
        y[yi + 3 * yStride] = acc3.reduceLanes(VectorOperators.ADD);
    }

    private static ShortVector mul2(ShortVector w0, ShortVector w1, short[] xq, int xi) {
        ShortVector prod = w0.mul(ShortVector.fromArray(SS, xq, xi));
        if (L == 16) prod = prod.add(w1.mul(ShortVector.fromArray(SS, xq, xi + 16)));
        return prod;
    }

    /** Nibbles of one Q4_0 block as unsigned shorts: byte j holds element j (low) and j + 16 (high). */
    private static ShortVector nibbles(MemorySegment w, long p) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
    }

    private static ShortVector q4Products(ShortVector u, short[] xq, int xi) {
        ShortVector lo = u.and((short) 0xF), hi = u.lanewise(VectorOperators.LSHR, 4);
        return lo.mul(ShortVector.fromArray(S16, xq, xi)).add(hi.mul(ShortVector.fromArray(S16, xq, xi + 16)));
    }

    private static FloatVector toFloat8(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /**
     * Dot of the Q4_0 row at off with token t. Nibbles stay unsigned (0..15); the offset of 8 is taken off once per
     * block with the activation block sum: Σ (u - 8) x = Σ u x - 8 Σ x.
     */
    static float q4_0(MemorySegment w, long off, int nb, Q8Activations a, int t) {
        short[] xq = a.q;
        float[] xd = a.d, m8 = a.m8;
        int xb = t * a.cols, db = t * a.blocks;
        FloatVector acc0 = FloatVector.zero(F8), acc1 = acc0;
        float corr = 0;
        int b = 0;
        for (; b + 1 < nb; b += 2) {
            long p = off + (long) b * Q4_0_BYTES;
            float dw0 = Float.float16ToFloat(w.get(F16, p));
            float dw1 = Float.float16ToFloat(w.get(F16, p + Q4_0_BYTES));
            IntVector i0 = pairSum(q4Products(nibbles(w, p + 2), xq, xb + b * 32));
            IntVector i1 = pairSum(q4Products(nibbles(w, p + Q4_0_BYTES + 2), xq, xb + b * 32 + 32));
            acc0 = toFloat8(i0).fma(FloatVector.broadcast(F8, dw0 * xd[db + b]), acc0);
            acc1 = toFloat8(i1).fma(FloatVector.broadcast(F8, dw1 * xd[db + b + 1]), acc1);
            corr += dw0 * m8[db + b] + dw1 * m8[db + b + 1];
        }
        if (b < nb) {
            long p = off + (long) b * Q4_0_BYTES;
            float dw = Float.float16ToFloat(w.get(F16, p));
            acc0 = toFloat8(pairSum(q4Products(nibbles(w, p + 2), xq, xb + b * 32)))
                    .fma(FloatVector.broadcast(F8, dw * xd[db + b]), acc0);
            corr += dw * m8[db + b];
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - corr;
    }

    /** Dots of one Q4_0 row with tokens t..t+3, written to y[yi + k * yStride]. */
    static void q4_0x4(MemorySegment w, long off, int nb, Q8Activations a, int t, float[] y, int yi, int yStride) {
        short[] xq = a.q;
        float[] xd = a.d, m8 = a.m8;
        int cols = a.cols, nbx = a.blocks;
        int x0 = t * cols, d0 = t * nbx;
        FloatVector acc0 = FloatVector.zero(F8), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (int b = 0; b < nb; b++) {
            long p = off + (long) b * Q4_0_BYTES;
            float dw = Float.float16ToFloat(w.get(F16, p));
            int xi = x0 + b * 32, di = d0 + b;
            ShortVector u = nibbles(w, p + 2);
            acc0 = toFloat8(pairSum(q4Products(u, xq, xi))).fma(FloatVector.broadcast(F8, dw * xd[di]), acc0);
            acc1 = toFloat8(pairSum(q4Products(u, xq, xi + cols))).fma(FloatVector.broadcast(F8, dw * xd[di + nbx]), acc1);
            acc2 = toFloat8(pairSum(q4Products(u, xq, xi + 2 * cols))).fma(FloatVector.broadcast(F8, dw * xd[di + 2 * nbx]), acc2);
            acc3 = toFloat8(pairSum(q4Products(u, xq, xi + 3 * cols))).fma(FloatVector.broadcast(F8, dw * xd[di + 3 * nbx]), acc3);
            c0 += dw * m8[di];
            c1 += dw * m8[di + nbx];
            c2 += dw * m8[di + 2 * nbx];
            c3 += dw * m8[di + 3 * nbx];
        }
        y[yi] = acc0.reduceLanes(VectorOperators.ADD) - c0;
        y[yi + yStride] = acc1.reduceLanes(VectorOperators.ADD) - c1;
        y[yi + 2 * yStride] = acc2.reduceLanes(VectorOperators.ADD) - c2;
        y[yi + 3 * yStride] = acc3.reduceLanes(VectorOperators.ADD) - c3;
    }
}
