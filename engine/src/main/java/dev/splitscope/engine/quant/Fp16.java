package dev.splitscope.engine.quant;

/**
 * IEEE 754 half precision (binary16) conversions, as GGML stores F16 weights and block scales. Conversion from
 * float rounds to nearest, ties to even; overflow gives infinity, NaN stays NaN (the JDK's own conversions, which
 * match F16C's {@code vcvtps2ph} with round-to-nearest and thus ggml's x86 path).
 */
public final class Fp16 {
    private Fp16() {}

    /** The float value of the half whose bits are {@code h}. Exact. */
    public static float toFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** The half nearest to {@code f} (ties to even), as its bits. */
    public static short fromFloat(float f) {
        return Float.floatToFloat16(f);
    }

    /** Rounds {@code f} through half precision and back. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
