package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.TensorRole;
import dev.splitscope.engine.quant.QuantType;

/**
 * One row of the placement table: the part of one tensor that one device holds. {@code dims} are the whole tensor's
 * GGML dims; {@code range} is the element range along {@code sharding.dim()} (the whole of dim 0 for Replicate);
 * {@code bytes} is exactly what the device stores. {@code role} is null for a tensor the planner does not recognise.
 */
public record Placement(String tensor, int layer, TensorRole role, QuantType type, long[] dims, int device,
                        Sharding sharding, Range range, long bytes) {

    /** The shape of this device's slice, in GGML order. */
    public long[] shardDims() {
        long[] d = dims.clone();
        if (sharding.dim() >= 0) d[sharding.dim()] = range.length();
        return d;
    }

    public static String shape(long[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(']').toString();
    }
}
