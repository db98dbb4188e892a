package dev.splitscope.engine.quant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Fp16Bf16Test {

    private static void half(float f, int bits) {
        assertEquals(bits, Fp16.fromFloat(f) & 0xffff, () -> f + " -> 0x" + Integer.toHexString(Fp16.fromFloat(f) & 0xffff));
    }

    private static void bf(int floatBits, int bits) {
        short got = Bf16.fromFloat(Float.intBitsToFloat(floatBits));
        assertEquals(bits, got & 0xffff, () -> "0x" + Integer.toHexString(floatBits) + " -> 0x" + Integer.toHexString(got & 0xffff));
    }

    @Test
    void fp16RoundsToNearestEven() {
        half(1f, 0x3c00);
        half(-2f, 0xc000);
        half(65504f, 0x7bff);                       // largest half
        half(65519.99f, 0x7bff);                    // below the halfway point to 2^16
        half(65520f, 0x7c00);                       // halfway, rounds to even = infinity
        half(1f + 0x1p-11f, 0x3c00);                // tie between 1 and 1+2^-10: even is 1
        half(1f + 3 * 0x1p-11f, 0x3c02);            // tie between 1+2^-10 and 1+2^-9: even is the latter
        half(1f + 0x1p-11f + 0x1p-20f, 0x3c01);     // just above the tie rounds up
        half(0x1p-24f, 0x0001);                     // smallest subnormal
        half(0x1p-25f, 0x0000);                     // tie with zero: even is zero
        half(1.5f * 0x1p-25f, 0x0001);
        half(0x1p-14f, 0x0400);                     // smallest normal
        half(-0f, 0x8000);
        half(Float.POSITIVE_INFINITY, 0x7c00);
        half(Float.NEGATIVE_INFINITY, 0xfc00);
        half(1e10f, 0x7c00);
    }

    @Test
    void fp16NanAndExactDecode() {
        assertTrue(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(Float.NaN))));
        assertTrue(Float.isNaN(Fp16.toFloat((short) 0x7e00)));
        assertEquals(Float.POSITIVE_INFINITY, Fp16.toFloat((short) 0x7c00));
        assertEquals(0x1p-24f, Fp16.toFloat((short) 0x0001));
        assertEquals(-0.5f, Fp16.toFloat((short) 0xb800));
        for (int h = 0; h < 0x10000; h++) { // every finite half survives float and back
            short s = (short) h;
            float f = Fp16.toFloat(s);
            if (!Float.isNaN(f)) assertEquals(h, Fp16.fromFloat(f) & 0xffff);
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        bf(0x3f800000, 0x3f80);            // 1.0
        bf(0x3f808000, 0x3f80);            // tie, even mantissa stays
        bf(0x3f818000, 0x3f82);            // tie, odd mantissa rounds up
        bf(0x3f808001, 0x3f81);            // above the tie
        bf(0x3f807fff, 0x3f80);            // below the tie
        bf(0x7f7fffff, 0x7f80);            // float max overflows to infinity, as ggml does
        bf(0xff800000, 0xff80);            // -infinity
        bf(0x80000000, 0x8000);            // -0
        bf(0x00000001, 0x0000);            // float subnormals round like any other value
        bf(0x00018000, 0x0002);
    }

    @Test
    void bf16NanStaysQuietNan() {
        bf(0x7f800001, 0x7fc0);            // signalling NaN with a low payload becomes quiet, not infinity
        bf(0xffc00000, 0xffc0);
        bf(0x7fff0000, 0x7fff);
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertEquals(-1.5f, Bf16.toFloat((short) 0xbfc0));
        for (int b = 0; b < 0x10000; b++) {
            float f = Bf16.toFloat((short) b);
            if (!Float.isNaN(f)) assertEquals(b, Bf16.fromFloat(f) & 0xffff);
        }
    }
}
