package dev.splitscope.engine.graph;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorRole;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds graphs node by node, naming each node (name, layer) as llama.cpp's {@code cb(cur, "attn_norm", il)} does.
 * Architectures use it to describe their forward pass.
 */
public final class GraphBuilder {
    private final ModelSpec spec;
    private final List<Node> nodes = new ArrayList<>();
    private int layer = -1;

    public GraphBuilder(ModelSpec spec) {
        this.spec = spec;
    }

    /** Nodes added from now on belong to this layer (-1: top level). */
    public GraphBuilder layer(int layer) {
        this.layer = layer;
        return this;
    }

    /** Adds a node and returns its id. */
    public int add(String name, Op op, TensorRole weight, int width, int... inputs) {
        int id = nodes.size();
        for (int in : inputs)
            if (in < 0 || in >= id) throw new IllegalArgumentException("node " + name + " reads node " + in + " which does not exist yet");
        nodes.add(new Node(id, name, layer, op, inputs, weight, width));
        return id;
    }

    public Graph build() {
        return new Graph(spec, List.copyOf(nodes));
    }
}
