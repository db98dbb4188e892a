package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q5_1: 32 values per block, 5-bit with scale and minimum.
 * <pre>
 * block (24 bytes)
 *   0  f16  d       scale
 *   2  f16  m       minimum
 *   4  u32  qh      bit j is the 5th bit of value j (little-endian)
 *   8  u8   qs[16]  low nibble of qs[j] is value j, high nibble is value j+16; x = q5 * d + m
 * </pre>
 */
public final class Q5_1Codec extends BlockCodec {
    public Q5_1Codec() {
        super(QuantType.Q5_1);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float scale = Le.half(src, off);
        float min = Le.half(src, off + 2);
        int qh = src.get(Le.I32, off + 4);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, off + 8 + j);
            int lo = (q & 0xf) | (((qh >>> j) & 1) << 4);
            int hi = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
            dst[d + j] = lo * scale + min;
            dst[d + j + 16] = hi * scale + min;
        }
    }
}
