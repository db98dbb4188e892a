package dev.splitscope.engine.model;

import dev.splitscope.engine.quant.QuantType;

/**
 * A weight tensor as the model expects it: GGUF name, layer (-1 for top-level), role, type and GGML dims
 * (dims[0] is the row length). Planning works on these, with or without the file's data.
 */
public record TensorDesc(String name, int layer, TensorRole role, QuantType type, long[] dims) {

    public long elementCount() {
        long n = 1;
        for (long d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }
}
