package dev.splitscope.engine.backend.cuda;

/** Every kernel entry point and the .cu file (module) it lives in, under src/main/cuda. */
enum Kernel {
    QUANTIZE_Q8_1("quantize_q8_1", "quantize_q8_1"),
    MATVEC_Q8_0("matvec_q8_0", "matvec_q8_0"),
    MATVEC_Q8_0_X3("matvec_q8_0", "matvec_q8_0_x3"),
    MATVEC_Q4_0("matvec_q4_0", "matvec_q4_0"),
    MATVEC_Q4_0_X3("matvec_q4_0", "matvec_q4_0_x3"),
    // decode matvec variants (MatvecVariant); each entry serves single and grouped launches
    MATVEC_Q4_0_U4("matvec_q4_0", "matvec_q4_0_u4"),
    MATVEC_Q4_0_R2U2("matvec_q4_0", "matvec_q4_0_r2u2"),
    MATVEC_Q4_0_R4("matvec_q4_0", "matvec_q4_0_r4"),
    MATVEC_Q4_0_R4U2("matvec_q4_0", "matvec_q4_0_r4u2"),
    MATVEC_Q4_0_R8("matvec_q4_0", "matvec_q4_0_r8"),
    MATVEC_Q4_0_S4("matvec_q4_0", "matvec_q4_0_s4"),
    MATVEC_Q4_0_S4U2("matvec_q4_0", "matvec_q4_0_s4u2"),
    MATVEC_Q4_0_R2U2P("matvec_q4_0", "matvec_q4_0_r2u2p"),
    MATVEC_Q4_0_R4P("matvec_q4_0", "matvec_q4_0_r4p"),
    MATVEC_Q4_0_S4P("matvec_q4_0", "matvec_q4_0_s4p"),
    MATVEC_Q8_0_U4("matvec_q8_0", "matvec_q8_0_u4"),
    MATVEC_Q8_0_R2U2("matvec_q8_0", "matvec_q8_0_r2u2"),
    MATVEC_Q8_0_R4("matvec_q8_0", "matvec_q8_0_r4"),
    MATVEC_Q8_0_R4U2("matvec_q8_0", "matvec_q8_0_r4u2"),
    MATVEC_Q8_0_R8("matvec_q8_0", "matvec_q8_0_r8"),
    MATVEC_Q8_0_S4("matvec_q8_0", "matvec_q8_0_s4"),
    MATVEC_Q8_0_S4U2("matvec_q8_0", "matvec_q8_0_s4u2"),
    MATVEC_Q8_0_R2U2P("matvec_q8_0", "matvec_q8_0_r2u2p"),
    MATVEC_Q8_0_R4P("matvec_q8_0", "matvec_q8_0_r4p"),
    MATVEC_Q8_0_S4P("matvec_q8_0", "matvec_q8_0_s4p"),
    MATVEC_Q4_K("matvec_q4_k", "matvec_q4_k"),
    MATVEC_Q6_K("matvec_q6_k", "matvec_q6_k"),
    MATVEC_F32("matvec_float", "matvec_f32"),
    MATVEC_F16("matvec_float", "matvec_f16"),
    MATVEC_BF16("matvec_float", "matvec_bf16"),
    RMS_NORM("rms_norm", "rms_norm"),
    RMS_NORM_Q8("rms_norm", "rms_norm_q8"),
    ADD_RMS_NORM_Q8("rms_norm", "add_rms_norm_q8"),
    ROPE_KV("rope_kv", "rope_kv"),
    ATTN_SPLIT("attention", "attn_split"),
    ATTN_SPLIT_TOKEN("attention", "attn_split_token"),
    ATTN_SPLIT_TOKEN_ROPE("attention", "attn_split_token_rope"),
    ATTN_COMBINE("attention", "attn_combine"),
    ATTN_COMBINE_Q8("attention", "attn_combine_q8"),
    SOFTMAX("softmax", "softmax"),
    SWIGLU("swiglu", "swiglu"),
    SWIGLU_Q8("swiglu", "swiglu_q8"),
    ADD("add", "add"),
    GET_ROWS("get_rows", "get_rows"),
    DEQUANT_F16("dequant", "dequant_f16"),
    F32_TO_F16("dequant", "f32_to_f16"),
    REPACK_Q8_0("repack", "repack_q8_0"),
    REPACK_Q4_0("repack", "repack_q4_0"),
    REPACK_Q6_K("repack", "repack_q6_k"),
    MOE_TOPK("moe_topk", "moe_topk"),
    MOE_IDS("moe_topk", "moe_ids"),
    MOE_COMBINE("moe_combine", "moe_combine"),
    ARGMAX_PAIR("argmax", "argmax_pair"),
    ARGMAX_PICK("argmax", "argmax_pick"),
    AR_BARRIER("allreduce", "ar_barrier"),
    AR_SUM("allreduce", "ar_sum"),
    AR_SUM_CHUNK("allreduce", "ar_sum_chunk"),
    AR_PUSH("allreduce", "ar_push"),
    AR_ADD_RMS_NORM_Q8("allreduce", "ar_add_rms_norm_q8");

    final String module;
    final String function;

    /**
     * True for the kernels that call pdl_wait on entry (common.cuh), which may therefore be launched before the
     * kernel ahead of them ends (PdlLaunch). Of the reductions, only those inside decode graphs (ar_push, ar_add_rms_norm_q8) do; the
     * load-time kernels gain nothing.
     */
    boolean waitsInKernel() {
        return switch (this) {
            case AR_BARRIER, AR_SUM, AR_SUM_CHUNK, DEQUANT_F16, F32_TO_F16, REPACK_Q8_0, REPACK_Q4_0, REPACK_Q6_K -> false;
            default -> true;
        };
    }

    Kernel(String module, String function) {
        this.module = module;
        this.function = function;
    }
}
