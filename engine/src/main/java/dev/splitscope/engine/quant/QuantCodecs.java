package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Dispatch to the scalar reference codec of each supported {@link QuantType}. A type without a codec is refused by
 * name with the list of supported ones. These are the numeric references, not the fast path.
 */
public final class QuantCodecs {
    private static final Map<QuantType, QuantCodec> CODECS = new EnumMap<>(QuantType.class);

    static {
        for (QuantCodec c : new QuantCodec[]{new F32Codec(), new F16Codec(), new BF16Codec(), new Q4_0Codec(),
                new Q4_1Codec(), new Q5_0Codec(), new Q5_1Codec(), new Q8_0Codec(), new Q2_KCodec(), new Q3_KCodec(),
                new Q4_KCodec(), new Q5_KCodec(), new Q6_KCodec(), new Q8_KCodec()})
            CODECS.put(c.type(), c);
    }

    private QuantCodecs() {}

    /** True when {@code t} can be dequantized. */
    public static boolean isSupported(QuantType t) {
        return CODECS.containsKey(t);
    }

    /** True when {@code t} can also be written (quantized). */
    public static boolean canQuantize(QuantType t) {
        QuantCodec c = CODECS.get(t);
        return c != null && c.canQuantize();
    }

    /** Types that can be dequantized, in enum order. */
    public static List<QuantType> supported() {
        return List.copyOf(CODECS.keySet());
    }

    /** Types that can be quantized, in enum order. */
    public static List<QuantType> quantizable() {
        return Arrays.stream(QuantType.values()).filter(QuantCodecs::canQuantize).toList();
    }

    /** The codec of {@code t}; an {@link UnsupportedOperationException} naming the type when there is none. */
    public static QuantCodec codec(QuantType t) {
        QuantCodec c = CODECS.get(t);
        if (c == null)
            throw new UnsupportedOperationException("tensor type " + t + " is not supported; supported types: " + supported());
        return c;
    }

    /**
     * Decodes {@code n} values (a multiple of {@code t}'s block size) stored at {@code src[byteOffset..]} into
     * {@code dst[dstOff..dstOff+n)}.
     */
    public static void dequantize(QuantType t, MemorySegment src, long byteOffset, float[] dst, int dstOff, int n) {
        codec(t).dequantize(src, byteOffset, dst, dstOff, n);
    }

    /**
     * Encodes {@code src[srcOff..srcOff+n)} (n a multiple of the block size) as {@code t} into
     * {@code dst[byteOffset..byteOffset+t.bytesFor(n))}.
     */
    public static void quantize(QuantType t, float[] src, int srcOff, int n, MemorySegment dst, long byteOffset) {
        QuantCodec c = codec(t);
        if (!c.canQuantize())
            throw new UnsupportedOperationException("quantizing to " + t + " is not supported; quantizers exist for " + quantizable());
        c.quantize(src, srcOff, n, dst, byteOffset);
    }

    /** Convenience: decodes a whole tensor of {@code n} values into a new array. */
    public static float[] dequantize(QuantType t, MemorySegment src, int n) {
        float[] out = new float[n];
        dequantize(t, src, 0, out, 0, n);
        return out;
    }
}
