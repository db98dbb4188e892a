package dev.splitscope.engine.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable little-endian byte buffer that encodes GGUF header fields and metadata values. */
final class GgufEncoder {
    private byte[] buf = new byte[1 << 12];
    private int len;

    int size() {
        return len;
    }

    byte[] bytes() {
        return Arrays.copyOf(buf, len);
    }

    private void grow(int n) {
        if (len + n > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) len + n);
            if (want > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("GGUF header larger than 2 GB");
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    void u8(int v) {
        grow(1);
        buf[len++] = (byte) v;
    }

    void i16(int v) {
        grow(2);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
    }

    void i32(int v) {
        grow(4);
        for (int i = 0; i < 4; i++) buf[len++] = (byte) (v >>> (8 * i));
    }

    void i64(long v) {
        grow(8);
        for (int i = 0; i < 8; i++) buf[len++] = (byte) (v >>> (8 * i));
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i64(b.length);
        grow(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** A metadata value: its type id followed by its payload. */
    void typedValue(String key, GgufValue v) {
        i32(v.type().id());
        payload(key, v);
    }

    private void payload(String key, GgufValue v) {
        if (v.isArray()) {
            arrayBody(key, v.elementType(), v.value());
            return;
        }
        Object o = v.value();
        switch (v.type()) {
            case UINT8, INT8 -> u8((int) number(key, v, o));
            case UINT16, INT16 -> i16((int) number(key, v, o));
            case UINT32, INT32 -> i32((int) number(key, v, o));
            case UINT64, INT64 -> i64(number(key, v, o));
            case FLOAT32 -> i32(Float.floatToRawIntBits(floating(key, v, o).floatValue()));
            case FLOAT64 -> i64(Double.doubleToRawLongBits(floating(key, v, o).doubleValue()));
            case BOOL -> {
                if (!(o instanceof Boolean b)) throw bad(key, v.type(), o);
                u8(b ? 1 : 0);
            }
            case STRING -> {
                if (!(o instanceof String s)) throw bad(key, v.type(), o);
                string(s);
            }
            case ARRAY -> throw new IllegalStateException("unreachable");
        }
    }

    /** Element type, count, then the elements (nested arrays carry no per-element type tag). */
    void arrayBody(String key, GgufValueType et, Object a) {
        if (et == null) throw new IllegalArgumentException("metadata '" + key + "': array without an element type");
        i32(et.id());
        switch (et) {
            case UINT8, INT8 -> { byte[] x = cast(key, et, a, byte[].class); i64(x.length); for (byte e : x) u8(e); }
            case UINT16, INT16 -> { short[] x = cast(key, et, a, short[].class); i64(x.length); for (short e : x) i16(e); }
            case UINT32, INT32 -> { int[] x = cast(key, et, a, int[].class); i64(x.length); for (int e : x) i32(e); }
            case UINT64, INT64 -> { long[] x = cast(key, et, a, long[].class); i64(x.length); for (long e : x) i64(e); }
            case FLOAT32 -> { float[] x = cast(key, et, a, float[].class); i64(x.length); for (float e : x) i32(Float.floatToRawIntBits(e)); }
            case FLOAT64 -> { double[] x = cast(key, et, a, double[].class); i64(x.length); for (double e : x) i64(Double.doubleToRawLongBits(e)); }
            case BOOL -> { boolean[] x = cast(key, et, a, boolean[].class); i64(x.length); for (boolean e : x) u8(e ? 1 : 0); }
            case STRING -> { String[] x = cast(key, et, a, String[].class); i64(x.length); for (String e : x) string(e); }
            case ARRAY -> {
                GgufValue[] x = cast(key, et, a, GgufValue[].class);
                i64(x.length);
                for (GgufValue e : x) {
                    if (e == null || !e.isArray()) throw new IllegalArgumentException("metadata '" + key + "': a nested array element is not an array");
                    arrayBody(key, e.elementType(), e.value());
                }
            }
        }
    }

    private static <T> T cast(String key, GgufValueType et, Object a, Class<T> want) {
        if (!want.isInstance(a))
            throw new IllegalArgumentException("metadata '" + key + "': ARRAY of " + et + " needs a " + want.getSimpleName()
                    + ", got " + (a == null ? "null" : a.getClass().getSimpleName()));
        return want.cast(a);
    }

    /** An integer value, range-checked for its GGUF width (UINT64 takes any long bits). */
    private static long number(String key, GgufValue v, Object o) {
        if (!(o instanceof Number n) || o instanceof Float || o instanceof Double) throw bad(key, v.type(), o);
        long x = n.longValue();
        long lo, hi;
        switch (v.type()) {
            case UINT8 -> { lo = 0; hi = 0xff; }
            case INT8 -> { lo = Byte.MIN_VALUE; hi = Byte.MAX_VALUE; }
            case UINT16 -> { lo = 0; hi = 0xffff; }
            case INT16 -> { lo = Short.MIN_VALUE; hi = Short.MAX_VALUE; }
            case UINT32 -> { lo = 0; hi = 0xffffffffL; }
            case INT32 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
            default -> { lo = Long.MIN_VALUE; hi = Long.MAX_VALUE; }
        }
        if (x < lo || x > hi) throw new IllegalArgumentException("metadata '" + key + "': " + x + " is out of range for " + v.type());
        return x;
    }

    private static Number floating(String key, GgufValue v, Object o) {
        if (!(o instanceof Number n)) throw bad(key, v.type(), o);
        return n;
    }

    private static IllegalArgumentException bad(String key, GgufValueType t, Object o) {
        return new IllegalArgumentException("metadata '" + key + "': a " + t + " value cannot hold "
                + (o == null ? "null" : o.getClass().getSimpleName() + " " + o));
    }
}
