package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * BF16: bfloat16 (the upper half of a float32), little-endian. Encoding rounds to nearest, ties to even ({@link Bf16}).
 * <pre>
 * element (2 bytes): bfloat16 value
 * </pre>
 */
public final class BF16Codec extends BlockCodec {
    public BF16Codec() {
        super(QuantType.BF16);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        dst[d] = Bf16.toFloat(src.get(Le.I16, off));
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        dst.set(Le.I16, off, Bf16.fromFloat(src[s]));
    }
}
