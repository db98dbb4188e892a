package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * F32: plain little-endian IEEE floats.
 * <pre>
 * element (4 bytes): float32 value
 * </pre>
 */
public final class F32Codec extends BlockCodec {
    public F32Codec() {
        super(QuantType.F32);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        dst[d] = src.get(Le.F32, off);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        dst.set(Le.F32, off, src[s]);
    }
}
