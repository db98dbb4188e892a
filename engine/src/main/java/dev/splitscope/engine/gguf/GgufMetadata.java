package dev.splitscope.engine.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The key/value metadata of a GGUF file, in file order, with typed access. A missing or mistyped key
 * raises an {@link IllegalArgumentException} that names the key and the file.
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, GgufValue> values;

    public GgufMetadata(Path file, Map<String, GgufValue> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Path file() {
        return file;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    private GgufValue require(String key) {
        GgufValue v = values.get(key);
        if (v == null) throw new IllegalArgumentException("metadata key '" + key + "' is missing in " + file);
        return v;
    }

    private IllegalArgumentException mistyped(String key, GgufValue v, String wanted) {
        String got = v.isArray() ? "ARRAY of " + v.elementType() : v.type().toString();
        return new IllegalArgumentException("metadata key '" + key + "' in " + file + " is " + got + ", expected " + wanted);
    }

    public String getString(String key) {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.STRING) throw mistyped(key, v, "STRING");
        return (String) v.value();
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        GgufValue v = require(key);
        return switch (v.type()) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> ((Number) v.value()).longValue();
            default -> throw mistyped(key, v, "an integer");
        };
    }

    public int getInt(String key) {
        long l = getLong(key);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)
            throw new IllegalArgumentException("metadata key '" + key + "' in " + file + " = " + l + " does not fit an int");
        return (int) l;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public double getDouble(String key) {
        GgufValue v = require(key);
        return switch (v.type()) {
            case FLOAT32, FLOAT64, UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> ((Number) v.value()).doubleValue();
            default -> throw mistyped(key, v, "a number");
        };
    }

    public float getFloat(String key, float fallback) {
        return has(key) ? (float) getDouble(key) : fallback;
    }

    public boolean getBool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        GgufValue v = require(key);
        if (v.type() != GgufValueType.BOOL) throw mistyped(key, v, "BOOL");
        return (Boolean) v.value();
    }

    private Object array(String key, Class<?> javaType, String wanted) {
        GgufValue v = require(key);
        if (!v.isArray() || v.value().getClass() != javaType) throw mistyped(key, v, wanted);
        return v.value();
    }

    public String[] getStringArray(String key) {
        return (String[]) array(key, String[].class, "ARRAY of STRING");
    }

    public float[] getFloatArray(String key) {
        return (float[]) array(key, float[].class, "ARRAY of FLOAT32");
    }

    /** An integer array of any width, widened to int (INT32/UINT32 and narrower). */
    public int[] getIntArray(String key) {
        GgufValue v = require(key);
        if (!v.isArray()) throw mistyped(key, v, "ARRAY of integers");
        Object a = v.value();
        if (a instanceof int[] ints) return ints;
        if (a instanceof short[] s) { int[] r = new int[s.length]; for (int i = 0; i < s.length; i++) r[i] = v.elementType() == GgufValueType.UINT16 ? s[i] & 0xffff : s[i]; return r; }
        if (a instanceof byte[] b) { int[] r = new int[b.length]; for (int i = 0; i < b.length; i++) r[i] = v.elementType() == GgufValueType.UINT8 ? b[i] & 0xff : b[i]; return r; }
        throw mistyped(key, v, "ARRAY of INT32 or narrower");
    }

    /** Number of entries. */
    public int size() {
        return values.size();
    }
}
