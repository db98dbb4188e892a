package dev.splitscope.engine.graph;

import dev.splitscope.engine.model.TensorRole;

/**
 * One named node of the compute graph, llama.cpp style: ("attn_q", 3). {@code width} is the logical per-token
 * width of the output; {@code weight} is the role of the weight tensor it reads (null when none), so the planner's
 * sharding of that tensor decides the node's local width on each device.
 */
public record Node(int id, String name, int layer, Op op, int[] inputs, TensorRole weight, int width) {

    /** "attn_q-3", or "result_output" for top-level nodes. */
    public String label() {
        return layer < 0 ? name : name + "-" + layer;
    }

    public boolean isSyncPoint() {
        return op == Op.REDUCE || op == Op.CONCAT;
    }
}
