package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Scalar reference codec of one GGML tensor type: the numeric oracle the fast kernels are tested against.
 * Implementations are stateless and thread-safe; {@code n} is always a whole number of blocks.
 */
public interface QuantCodec {

    /** The type this codec reads (and, where {@link #canQuantize()}, writes). */
    QuantType type();

    /** Decodes {@code n} values stored at {@code src[byteOffset..]} into {@code dst[dstOff..dstOff+n)}. */
    void dequantize(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n);

    /** True when {@link #quantize} is implemented for this type. */
    default boolean canQuantize() {
        return false;
    }

    /** Encodes {@code src[srcOff..srcOff+n)} into {@code dst[byteOffset..byteOffset+type().bytesFor(n))}. */
    default void quantize(float[] src, int srcOff, int n, MemorySegment dst, long byteOffset) {
        throw new UnsupportedOperationException("quantizing to " + type() + " is not supported; quantizers exist for "
                + QuantCodecs.quantizable());
    }
}
