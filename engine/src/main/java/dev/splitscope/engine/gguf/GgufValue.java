package dev.splitscope.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One metadata value with its GGUF type. Scalars hold a boxed Java value (unsigned types widened:
 * UINT8/UINT16 as Integer, UINT32 as Long, UINT64 as Long bits). Arrays hold a Java array:
 * byte[], short[], int[], long[], float[], double[], boolean[], String[], or GgufValue[] for nested arrays;
 * {@code elementType} is then the array's element type. Equality is by content, arrays included.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public static GgufValue of(GgufValueType type, Object value) {
        return new GgufValue(type, null, value);
    }

    public static GgufValue array(GgufValueType elementType, Object javaArray) {
        return new GgufValue(GgufValueType.ARRAY, elementType, javaArray);
    }

    public boolean isArray() {
        return type == GgufValueType.ARRAY;
    }

    /** Number of elements of an array value. */
    public int length() {
        return java.lang.reflect.Array.getLength(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue v && type == v.type && elementType == v.elementType
                && Objects.deepEquals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, elementType) * 31 + Arrays.deepHashCode(new Object[] {value});
    }

    @Override
    public String toString() {
        if (!isArray()) return type + " " + value;
        String body = value instanceof Object[] a ? Arrays.deepToString(a) : Arrays.deepToString(new Object[] {value});
        return "ARRAY of " + elementType + "[" + length() + "] " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
    }
}
