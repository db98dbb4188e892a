package dev.splitscope.engine.model;

/**
 * What a weight tensor does, independent of its name. The planner shards by role (DESIGN.md §3), and the
 * GGUF name is derived from the role: {@code blk.<layer>.<ggufName>.weight} or a top-level name.
 */
public enum TensorRole {
    TOKEN_EMBD("token_embd", false),
    OUTPUT_NORM("output_norm", false),
    OUTPUT("output", false),
    /** Llama 3's per-pair rope frequency factors (rope scaling), when the file has them. */
    ROPE_FREQS("rope_freqs", false),
    ATTN_NORM("attn_norm", true),
    ATTN_Q("attn_q", true),
    ATTN_K("attn_k", true),
    ATTN_V("attn_v", true),
    ATTN_Q_BIAS("attn_q", true),
    ATTN_K_BIAS("attn_k", true),
    ATTN_V_BIAS("attn_v", true),
    ATTN_Q_NORM("attn_q_norm", true),
    ATTN_K_NORM("attn_k_norm", true),
    ATTN_OUTPUT("attn_output", true),
    FFN_NORM("ffn_norm", true),
    FFN_GATE("ffn_gate", true),
    FFN_UP("ffn_up", true),
    FFN_DOWN("ffn_down", true),
    FFN_GATE_INP("ffn_gate_inp", true),
    FFN_GATE_EXPS("ffn_gate_exps", true),
    FFN_UP_EXPS("ffn_up_exps", true),
    FFN_DOWN_EXPS("ffn_down_exps", true);

    /** The GGUF base name, without layer prefix and suffix. */
    public final String ggufName;
    public final boolean perLayer;

    TensorRole(String ggufName, boolean perLayer) {
        this.ggufName = ggufName;
        this.perLayer = perLayer;
    }

    public boolean isBias() {
        return this == ATTN_Q_BIAS || this == ATTN_K_BIAS || this == ATTN_V_BIAS;
    }

    /** Norm weights and biases stay F32 in every GGUF we write or read. */
    public boolean isSmall() {
        return isBias() || this == ROPE_FREQS || this == ATTN_NORM || this == FFN_NORM || this == OUTPUT_NORM || this == ATTN_Q_NORM || this == ATTN_K_NORM;
    }

    /** The full GGUF tensor name for this role at {@code layer} (ignored for top-level roles). */
    public String tensorName(int layer) {
        String suffix = isBias() ? ".bias" : ".weight";
        return (perLayer ? "blk." + layer + "." : "") + ggufName + suffix;
    }
}
