package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1: 32 values per block, 4-bit with scale and minimum.
 * <pre>
 * block (20 bytes)
 *   0  f16  d       scale
 *   2  f16  m       minimum
 *   4  u8   qs[16]  low nibble of qs[j] is value j, high nibble is value j+16; x = nibble * d + m
 * </pre>
 */
public final class Q4_1Codec extends BlockCodec {
    public Q4_1Codec() {
        super(QuantType.Q4_1);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float scale = Le.half(src, off);
        float min = Le.half(src, off + 2);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, off + 4 + j);
            dst[d + j] = (q & 0xf) * scale + min;
            dst[d + j + 16] = (q >>> 4) * scale + min;
        }
    }
}
