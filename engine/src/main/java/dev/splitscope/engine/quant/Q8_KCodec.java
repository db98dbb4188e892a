package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q8_K: 256 values per block, symmetric 8-bit with a float scale (the activation format of the K-quant dot products).
 * <pre>
 * block (292 bytes)
 *   0    f32  d          scale
 *   4    i8   qs[256]    x[j] = d * qs[j]
 *   260  i16  bsums[16]  sum of each 16 quants (used by dot products, not needed to decode)
 * </pre>
 */
public final class Q8_KCodec extends BlockCodec {
    public Q8_KCodec() {
        super(QuantType.Q8_K);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float scale = src.get(Le.F32, off);
        for (int j = 0; j < 256; j++) dst[d + j] = scale * Le.s8(src, off + 4 + j);
    }
}
