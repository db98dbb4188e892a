package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;

/**
 * One entry of the tensor directory. {@code dims} are in GGML order: dims[0] (ne0) is the row length,
 * the contiguous dimension. {@code offset} is relative to the start of the data section. Equality is by content.
 */
public record GgufTensorInfo(String name, long[] dims, QuantType type, long offset) {

    public long elementCount() {
        long n = 1;
        for (long d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    /** Row length (ne0). */
    public long rowLength() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** Number of rows: the product of dims[1..]. */
    public long rowCount() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) n = Math.multiplyExact(n, dims[i]);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && java.util.Arrays.equals(dims, t.dims)
                && type == t.type && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + java.util.Arrays.hashCode(dims)) * 31 + java.util.Objects.hash(type, offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeString() + " @" + offset;
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(']').toString();
    }
}
