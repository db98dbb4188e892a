package dev.splitscope.engine.quant;

/**
 * bfloat16 conversions: the upper 16 bits of an IEEE float. From float it rounds to nearest, ties to even, and
 * turns every NaN into a quiet NaN that keeps its sign and upper payload bits, as ggml's fp32-to-bf16 does.
 */
public final class Bf16 {
    private Bf16() {}

    /** The float value of the bfloat16 whose bits are {@code b}. Exact. */
    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** The bfloat16 nearest to {@code f} (ties to even), as its bits. Values past the largest bf16 become infinity. */
    public static short fromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 0x40); // NaN: set the quiet bit so it stays NaN
        int roundingBias = 0x7fff + ((u >>> 16) & 1);
        return (short) ((u + roundingBias) >>> 16); // unsigned: a carry into the exponent is the correct rounding
    }

    /** Rounds {@code f} through bfloat16 and back. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
