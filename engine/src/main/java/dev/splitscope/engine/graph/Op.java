package dev.splitscope.engine.graph;

/** The operations a llama-family graph is made of. REDUCE and CONCAT are where tensor-parallel devices synchronise. */
public enum Op {
    /** Rows of a table (token embedding) by token id. */
    GET_ROWS,
    /** RMS norm fused with the multiply by its weight; per token, or per head when the weight is head-sized. */
    RMS_NORM,
    /** y = W·x for every token; W is [in (ne0), out (ne1)] in GGML order. */
    MUL_MAT,
    /** Adds a bias row to every token. */
    ADD_BIAS,
    /** Element-wise sum of two activations (the residual connections). */
    ADD,
    /** Rotary position embedding, in place on q or k. */
    ROPE,
    /** Causal GQA attention: writes k and v into the KV cache, then attends over it (softmax inside). */
    ATTENTION,
    /** silu(gate) * up. */
    SWIGLU,
    /** MoE router: softmax over expert logits, top-k, renormalised weights. */
    MOE_ROUTE,
    /** The routed experts' FFNs (gate, up, swiglu, down), weighted and summed. */
    MOE_FFN,
    /** All-reduce of partial sums across the devices of a tensor-parallel group (identity on one device). */
    REDUCE,
    /** Gathers per-device slices (logits over the vocab) into one tensor. */
    CONCAT
}
