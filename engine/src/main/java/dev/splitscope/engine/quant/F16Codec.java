package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * F16: IEEE half precision, little-endian. Encoding rounds to nearest, ties to even ({@link Fp16}).
 * <pre>
 * element (2 bytes): binary16 value
 * </pre>
 */
public final class F16Codec extends BlockCodec {
    public F16Codec() {
        super(QuantType.F16);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        dst[d] = Le.half(src, off);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        Le.putHalf(dst, off, src[s]);
    }
}
