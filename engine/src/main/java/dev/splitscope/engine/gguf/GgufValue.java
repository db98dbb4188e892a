package dev.splitscope.engine.gguf;

/**
 * One metadata value with its GGUF type. Scalars hold a boxed Java value (unsigned types widened:
 * UINT8/UINT16 as Integer, UINT32 as Long, UINT64 as Long bits). Arrays hold a Java array:
 * byte[], short[], int[], long[], float[], double[], boolean[], String[], or GgufValue[] for nested arrays;
 * {@code elementType} is then the array's element type.
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
}
