package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K: 256 values per super-block in 8 groups of 32, 5-bit quants with a 6-bit scale and 6-bit min per group.
 * <pre>
 * block (176 bytes)
 *   0   f16  d           super-block scale of the group scales
 *   2   f16  dmin        super-block scale of the group mins
 *   4   u8   scales[12]  8 (scale, min) pairs of 6 bits, packed as in Q4_K
 *   16  u8   qh[32]      5th bits: value 32k + l (k = 0..7, l = 0..31) has its high bit in bit k of qh[l]
 *   48  u8   qs[128]     low 4 bits, packed as in Q4_K: value 64c + l is the low nibble of qs[32c + l],
 *                        value 64c + 32 + l its high nibble
 * x = d * scale_g * q5 - dmin * min_g, with group g = value / 32
 * </pre>
 */
public final class Q5_KCodec extends BlockCodec {
    public Q5_KCodec() {
        super(QuantType.Q5_K);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float dAll = Le.half(src, off);
        float mAll = Le.half(src, off + 2);
        int y = d;
        for (int c = 0; c < 4; c++) {
            int a = Q4_KCodec.scaleMin(src, off + 4, 2 * c);
            int b = Q4_KCodec.scaleMin(src, off + 4, 2 * c + 1);
            float d1 = dAll * (a & 0xff), m1 = mAll * (a >>> 8);
            float d2 = dAll * (b & 0xff), m2 = mAll * (b >>> 8);
            long ql = off + 48 + 32L * c;
            for (int l = 0; l < 32; l++) {
                int high = (Le.u8(src, off + 16 + l) >>> (2 * c)) & 1;
                dst[y++] = d1 * ((Le.u8(src, ql + l) & 0xf) + (high << 4)) - m1;
            }
            for (int l = 0; l < 32; l++) {
                int high = (Le.u8(src, off + 16 + l) >>> (2 * c + 1)) & 1;
                dst[y++] = d2 * ((Le.u8(src, ql + l) >>> 4) + (high << 4)) - m2;
            }
        }
    }
}
