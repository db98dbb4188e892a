package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.Node;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorRole;

/**
 * Along which dimension a node's output is split in a tensor-parallel layout: not at all (FULL, replicated), by query
 * heads, by kv heads, by FFN rows, by vocabulary, or PARTIAL (full width, but a partial sum awaiting its REDUCE).
 */
public enum Axis {
    FULL, Q, KV, FF, VOCAB, PARTIAL;

    /** The axis of a node: from its weight's role, else inherited from its first input. */
    public static Axis of(Node n, Graph g) {
        return switch (n.op()) {
            case MUL_MAT -> switch (n.weight()) {
                case ATTN_Q -> Q;
                case ATTN_K, ATTN_V -> KV;
                case FFN_GATE, FFN_UP -> FF;
                case ATTN_OUTPUT, FFN_DOWN -> PARTIAL;
                case OUTPUT, TOKEN_EMBD -> VOCAB;
                default -> FULL;
            };
            case ADD_BIAS, ROPE, ATTENTION, SWIGLU -> of(g.node(n.inputs()[0]), g);
            case RMS_NORM -> isHeadNorm(n) ? of(g.node(n.inputs()[0]), g) : FULL;
            case MOE_FFN -> PARTIAL;
            default -> FULL;
        };
    }

    /** q/k norm (qwen3) works per head, so it follows the heads of its input. */
    static boolean isHeadNorm(Node n) {
        return n.weight() == TensorRole.ATTN_Q_NORM || n.weight() == TensorRole.ATTN_K_NORM;
    }

    /** The per-token width of a node's output on a device holding {@code r}. */
    public int localWidth(Node n, DeviceShard r, ModelSpec s) {
        return switch (this) {
            case FULL, PARTIAL -> n.width();
            case Q -> r.qHeads().length() * s.headDim();
            case KV -> r.kvHeads().length() * s.headDim();
            case FF -> r.ff().length();
            case VOCAB -> r.vocab().length();
        };
    }
}
