package dev.splitscope.engine.graph;

import dev.splitscope.engine.model.ModelSpec;

import java.util.List;

/**
 * The compute graph of one forward step of a model, in execution order. It is the same for any number of tokens;
 * the executor binds the batch size. Nodes are what the planner splits and what the tables show.
 */
public record Graph(ModelSpec spec, List<Node> nodes) {

    public Node node(int id) {
        return nodes.get(id);
    }

    public int size() {
        return nodes.size();
    }

    /** The final node (the logits). */
    public Node output() {
        return nodes.getLast();
    }

    /** The first node with this name and layer, or an error naming them. */
    public Node find(String name, int layer) {
        for (Node n : nodes) if (n.name().equals(name) && n.layer() == layer) return n;
        throw new IllegalArgumentException("no node (" + name + ", " + layer + ") in the graph");
    }
}
