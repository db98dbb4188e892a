package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K: 256 values per super-block in 16 groups of 16, 6-bit quants (offset 32) with signed 8-bit group scales.
 * <pre>
 * block (210 bytes)
 *   0    u8   ql[128]     low 4 bits: in half h (128 values), value 128h + 32s + l (s = 0..3, l = 0..31) is the
 *                         low nibble (s = 0, 1) or high nibble (s = 2, 3) of ql[64h + 32(s % 2) + l]
 *   128  u8   qh[64]      high 2 bits: value 128h + 32s + l is bits 2s..2s+1 of qh[32h + l]
 *   192  i8   scales[16]  group scales
 *   208  f16  d           super-block scale
 * x = d * scale_g * (q6 - 32), with group g = value / 16
 * </pre>
 * The quantizer is our own: per group a small search of grid scales around absmax/32 with a least-squares scale
 * for each, then 8-bit group scales relative to the largest (the largest maps to -128, as in ggml).
 */
public final class Q6_KCodec extends BlockCodec {
    public Q6_KCodec() {
        super(QuantType.Q6_K);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float dAll = Le.half(src, off + 208);
        for (int h = 0; h < 2; h++) {
            long ql = off + 64L * h, qh = off + 128 + 32L * h, sc = off + 192 + 8L * h;
            int y = d + 128 * h;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lo0 = Le.u8(src, ql + l), lo1 = Le.u8(src, ql + 32 + l), hi = Le.u8(src, qh + l);
                int q1 = ((lo0 & 0xf) | ((hi & 3) << 4)) - 32;
                int q2 = ((lo1 & 0xf) | (((hi >>> 2) & 3) << 4)) - 32;
                int q3 = ((lo0 >>> 4) | (((hi >>> 4) & 3) << 4)) - 32;
                int q4 = ((lo1 >>> 4) | (((hi >>> 6) & 3) << 4)) - 32;
                dst[y + l] = dAll * Le.s8(src, sc + is) * q1;
                dst[y + l + 32] = dAll * Le.s8(src, sc + is + 2) * q2;
                dst[y + l + 64] = dAll * Le.s8(src, sc + is + 4) * q3;
                dst[y + l + 96] = dAll * Le.s8(src, sc + is + 6) * q4;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    Object newScratch() {
        return new float[16];
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        float[] scales = (float[]) scratch;
        float maxScale = 0f;
        for (int g = 0; g < 16; g++) {
            scales[g] = fitGroup(src, s + 16 * g);
            if (Math.abs(scales[g]) > Math.abs(maxScale)) maxScale = scales[g];
        }
        dst.asSlice(off, 210).fill((byte) 0);
        if (maxScale == 0f) return; // all-zero block: d = 0 decodes to zeros
        float iscale = -128f / maxScale;
        Le.putHalf(dst, off + 208, 1f / iscale);
        for (int g = 0; g < 16; g++) Le.put8(dst, off + 192 + g, Math.min(127, Le.nearest(iscale * scales[g])));
        float dAll = Le.half(dst, off + 208);
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int v = 128 * h + l; // in-block index of the first of the four values packed together
                int q1 = quant(src[s + v], dAll * Le.s8(dst, off + 192 + v / 16));
                int q2 = quant(src[s + v + 32], dAll * Le.s8(dst, off + 192 + (v + 32) / 16));
                int q3 = quant(src[s + v + 64], dAll * Le.s8(dst, off + 192 + (v + 64) / 16));
                int q4 = quant(src[s + v + 96], dAll * Le.s8(dst, off + 192 + (v + 96) / 16));
                Le.put8(dst, off + 64L * h + l, (q1 & 0xf) | ((q3 & 0xf) << 4));
                Le.put8(dst, off + 64L * h + 32 + l, (q2 & 0xf) | ((q4 & 0xf) << 4));
                Le.put8(dst, off + 128 + 32L * h + l, (q1 >>> 4) | ((q2 >>> 4) << 2) | ((q3 >>> 4) << 4) | ((q4 >>> 4) << 6));
            }
        }
    }

    /** The stored 6-bit quant (0..63) of x on the grid of step d. */
    private static int quant(float x, float d) {
        if (d == 0f) return 32;
        return KQuantFit.clamp(Le.nearest(x / d), -32, 31) + 32;
    }

    /** Best scale for 16 values on the grid -32..31: tries grids around absmax/32, least-squares scale for each. */
    private static float fitGroup(float[] x, int o) {
        float amax = 0f, max = 0f;
        for (int l = 0; l < 16; l++) {
            if (Math.abs(x[o + l]) > amax) {
                amax = Math.abs(x[o + l]);
                max = x[o + l];
            }
        }
        if (amax == 0f || !Float.isFinite(amax)) return 0f;
        double bestFit = -1, bestScale = 0;
        for (int k = -6; k <= 6; k++) {
            float iscale = -(32f + 0.25f * k) / max;
            double sxl = 0, sl2 = 0;
            for (int l = 0; l < 16; l++) {
                int q = KQuantFit.clamp(Le.nearest(iscale * x[o + l]), -32, 31);
                sxl += (double) x[o + l] * q;
                sl2 += (double) q * q;
            }
            // squared error of the least-squares scale is sum(x^2) - sxl^2 / sl2, so maximise sxl^2 / sl2
            if (sl2 > 0 && sxl * sxl / sl2 > bestFit) {
                bestFit = sxl * sxl / sl2;
                bestScale = sxl / sl2;
            }
        }
        return (float) bestScale;
    }
}
