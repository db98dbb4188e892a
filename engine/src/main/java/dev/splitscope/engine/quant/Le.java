package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian unaligned accessors shared by the codecs (GGUF data is little-endian and only byte-aligned inside blocks). */
final class Le {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {}

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    static int s8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    /** A half-precision value, widened to float. */
    static float half(MemorySegment s, long off) {
        return Fp16.toFloat(s.get(I16, off));
    }

    static void putHalf(MemorySegment s, long off, float v) {
        s.set(I16, off, Fp16.fromFloat(v));
    }

    /** C's roundf: nearest, ties away from zero (Math.round ties toward +infinity). */
    static int roundAway(float x) {
        int r = Math.round(Math.abs(x));
        return x < 0 ? -r : r;
    }

    /** ggml's nearest_int: nearest, ties to even. */
    static int nearest(float x) {
        return (int) Math.rint(x);
    }
}
