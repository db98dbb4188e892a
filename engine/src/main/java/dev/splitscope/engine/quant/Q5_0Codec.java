package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0: 32 values per block, symmetric 5-bit with offset 16.
 * <pre>
 * block (22 bytes)
 *   0  f16  d       scale
 *   2  u32  qh      bit j is the 5th bit of value j (little-endian)
 *   6  u8   qs[16]  low nibble of qs[j] is value j, high nibble is value j+16; x = (q5 - 16) * d
 * </pre>
 */
public final class Q5_0Codec extends BlockCodec {
    public Q5_0Codec() {
        super(QuantType.Q5_0);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float scale = Le.half(src, off);
        int qh = src.get(Le.I32, off + 2);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, off + 6 + j);
            int lo = (q & 0xf) | (((qh >>> j) & 1) << 4);
            int hi = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
            dst[d + j] = (lo - 16) * scale;
            dst[d + j + 16] = (hi - 16) * scale;
        }
    }
}
