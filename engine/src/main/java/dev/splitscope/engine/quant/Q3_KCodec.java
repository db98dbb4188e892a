package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q3_K: 256 values per super-block in 16 groups of 16, 3-bit quants (2 low bits + 1 high bit) with signed 6-bit scales.
 * <pre>
 * block (110 bytes)
 *   0    u8   hmask[32]   high bit: value 32k + l (k = 0..7, l = 0..31) has its high bit in bit k of hmask[l]
 *   32   u8   qs[64]      low 2 bits, packed as in Q2_K: value 128h + 32s + l is bits 2s..2s+1 of qs[32h + l]
 *   96   u8   scales[12]  16 6-bit scales: group g's low 4 bits are the low (g < 8) or high (g >= 8) nibble of
 *                         scales[g % 8]; its high 2 bits are bits 2(g/4)..2(g/4)+1 of scales[8 + g % 4]; scale = s6 - 32
 *   108  f16  d           super-block scale
 * x = d * scale_g * (q2 - (high bit set ? 0 : 4)), with group g = value / 16
 * </pre>
 */
public final class Q3_KCodec extends BlockCodec {
    public Q3_KCodec() {
        super(QuantType.Q3_K);
    }

    /** The signed scale of group {@code g} (0..15) of the block at {@code off}. */
    static int scale(MemorySegment src, long off, int g) {
        long sc = off + 96;
        int b = Le.u8(src, sc + (g & 7));
        int low = g < 8 ? b & 0xf : b >>> 4;
        int high = (Le.u8(src, sc + 8 + (g & 3)) >>> (2 * (g >>> 2))) & 3;
        return (low | (high << 4)) - 32;
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float dAll = Le.half(src, off + 108);
        int y = d;
        int group = 0;
        int bit = 0;
        for (int half = 0; half < 2; half++) {
            long q = off + 32 + 32L * half;
            for (int shift = 0; shift < 8; shift += 2, bit++) {
                for (int sub = 0; sub < 32; sub += 16) {
                    float dl = dAll * scale(src, off, group++);
                    for (int l = sub; l < sub + 16; l++) {
                        int low = (Le.u8(src, q + l) >>> shift) & 3;
                        int minus = ((Le.u8(src, off + l) >>> bit) & 1) != 0 ? 0 : 4;
                        dst[y++] = dl * (low - minus);
                    }
                }
            }
        }
    }
}
