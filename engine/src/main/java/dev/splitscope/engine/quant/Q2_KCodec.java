package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q2_K: 256 values per super-block in 16 groups of 16, 2-bit quants with a 4-bit scale and 4-bit min per group.
 * <pre>
 * block (84 bytes)
 *   0   u8   scales[16]  group g: low nibble = scale, high nibble = min
 *   16  u8   qs[64]      2-bit quants; half h (128 values) uses qs[32h..32h+32): value 128h + 32s + l
 *                        (s = 0..3, l = 0..31) is bits 2s..2s+1 of qs[32h + l]
 *   80  f16  d           super-block scale of the group scales
 *   82  f16  dmin        super-block scale of the group mins
 * x = d * scale_g * q - dmin * min_g, with group g = value / 16
 * </pre>
 */
public final class Q2_KCodec extends BlockCodec {
    public Q2_KCodec() {
        super(QuantType.Q2_K);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float dAll = Le.half(src, off + 80);
        float mAll = Le.half(src, off + 82);
        int y = d;
        int group = 0;
        for (int half = 0; half < 2; half++) {
            long q = off + 16 + 32L * half;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int sub = 0; sub < 32; sub += 16) {
                    int sc = Le.u8(src, off + group++);
                    float dl = dAll * (sc & 0xf);
                    float ml = mAll * (sc >>> 4);
                    for (int l = 0; l < 16; l++) dst[y++] = dl * ((Le.u8(src, q + sub + l) >>> shift) & 3) - ml;
                }
            }
        }
    }
}
