package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K: 256 values per super-block in 8 groups of 32, 4-bit quants with a 6-bit scale and 6-bit min per group.
 * <pre>
 * block (144 bytes)
 *   0   f16  d           super-block scale of the group scales
 *   2   f16  dmin        super-block scale of the group mins
 *   4   u8   scales[12]  8 (scale, min) pairs of 6 bits, see {@link #scaleMin}
 *   16  u8   qs[128]     value 64c + l (c = 0..3, l = 0..31) is the low nibble of qs[32c + l],
 *                        value 64c + 32 + l its high nibble
 * x = d * scale_g * q - dmin * min_g, with group g = value / 32
 * </pre>
 * The quantizer is our own (not ggml's weighted search): per group an alternating least-squares fit of scale and
 * min from the min/max start, then 6-bit scales relative to the largest; see {@link KQuantFit}.
 */
public final class Q4_KCodec extends BlockCodec {
    public Q4_KCodec() {
        super(QuantType.Q4_K);
    }

    /**
     * The 6-bit scale (low 8 bits of the result) and min (bits 8..15) of group {@code g} (0..7), packed as:
     * g < 4: scale = scales[g] & 63, min = scales[g + 4] & 63; g >= 4: scale = low nibble of scales[g + 4] plus the
     * top 2 bits of scales[g - 4] as bits 4-5, min = high nibble of scales[g + 4] plus the top 2 bits of scales[g].
     */
    static int scaleMin(MemorySegment src, long scalesOff, int g) {
        int sc, m;
        if (g < 4) {
            sc = Le.u8(src, scalesOff + g) & 63;
            m = Le.u8(src, scalesOff + g + 4) & 63;
        } else {
            int b = Le.u8(src, scalesOff + g + 4);
            sc = (b & 0xf) | ((Le.u8(src, scalesOff + g - 4) >>> 6) << 4);
            m = (b >>> 4) | ((Le.u8(src, scalesOff + g) >>> 6) << 4);
        }
        return sc | (m << 8);
    }

    /** Writes the 12 packed scale bytes for 6-bit {@code sc[8]} and {@code mn[8]} (inverse of {@link #scaleMin}). */
    static void packScaleMin(MemorySegment dst, long scalesOff, int[] sc, int[] mn) {
        for (int g = 0; g < 4; g++) {
            Le.put8(dst, scalesOff + g, sc[g] | ((sc[g + 4] >>> 4) << 6));
            Le.put8(dst, scalesOff + g + 4, mn[g] | ((mn[g + 4] >>> 4) << 6));
            Le.put8(dst, scalesOff + g + 8, (sc[g + 4] & 0xf) | ((mn[g + 4] & 0xf) << 4));
        }
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float dAll = Le.half(src, off);
        float mAll = Le.half(src, off + 2);
        int y = d;
        for (int c = 0; c < 4; c++) {
            int a = scaleMin(src, off + 4, 2 * c);
            int b = scaleMin(src, off + 4, 2 * c + 1);
            float d1 = dAll * (a & 0xff), m1 = mAll * (a >>> 8);
            float d2 = dAll * (b & 0xff), m2 = mAll * (b >>> 8);
            long q = off + 16 + 32L * c;
            for (int l = 0; l < 32; l++) dst[y++] = d1 * (Le.u8(src, q + l) & 0xf) - m1;
            for (int l = 0; l < 32; l++) dst[y++] = d2 * (Le.u8(src, q + l) >>> 4) - m2;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    Object newScratch() {
        return new KQuantFit.Scratch();
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        KQuantFit.Scratch w = (KQuantFit.Scratch) scratch;
        KQuantFit.fitScalesAndMins(src, s, 15, w);
        Le.putHalf(dst, off, w.superScale);
        Le.putHalf(dst, off + 2, w.superMin);
        packScaleMin(dst, off + 4, w.sc, w.mn);
        KQuantFit.quantizeWithMins(src, s, 15, Le.half(dst, off), Le.half(dst, off + 2), w);
        for (int c = 0; c < 4; c++)
            for (int l = 0; l < 32; l++)
                Le.put8(dst, off + 16 + 32L * c + l, w.q[64 * c + l] | (w.q[64 * c + 32 + l] << 4));
    }
}
