package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q8_0: 32 values per block, symmetric 8-bit.
 * <pre>
 * block (34 bytes)
 *   0  f16  d       scale
 *   2  i8   qs[32]  x[j] = qs[j] * d
 * </pre>
 * The quantizer is ggml's reference: d = absmax / 127, q = roundf(x / d) with ties away from zero.
 */
public final class Q8_0Codec extends BlockCodec {
    public Q8_0Codec() {
        super(QuantType.Q8_0);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float scale = Le.half(src, off);
        for (int j = 0; j < 32; j++) dst[d + j] = Le.s8(src, off + 2 + j) * scale;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        float amax = 0f;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[s + j]));
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        Le.putHalf(dst, off, d);
        for (int j = 0; j < 32; j++) Le.put8(dst, off + 2 + j, Le.roundAway(src[s + j] * id));
    }
}
