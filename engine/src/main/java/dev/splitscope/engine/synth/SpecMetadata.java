package dev.splitscope.engine.synth;

import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.gguf.GgufValueType;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;

import java.util.Map;

/**
 * The {@code general.*} and {@code {arch}.*} keys that describe a {@link ModelSpec}, written so that
 * {@link ModelSpec#fromMetadata} reads the same spec back.
 */
final class SpecMetadata {
    private SpecMetadata() {}

    /** llama.cpp's {@code llama_ftype} for a file whose large tensors are all {@code t}. */
    static int fileType(QuantType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q2_K -> 10;
            case Q3_K -> 12;  // Q3_K_M
            case Q4_K -> 14;  // Q4_K_S: every large tensor Q4_K
            case Q5_K -> 16;  // Q5_K_S
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no llama.cpp file type for " + t);
        };
    }

    static void put(Map<String, GgufValue> kv, ModelSpec s, QuantType type) {
        String p = s.architecture() + ".";
        str(kv, "general.architecture", s.architecture());
        str(kv, "general.name", s.name());
        u32(kv, "general.file_type", fileType(type));
        if (type.isQuantized()) u32(kv, "general.quantization_version", 2);
        u32(kv, p + "block_count", s.nLayer());
        u32(kv, p + "context_length", s.ctxTrain());
        u32(kv, p + "embedding_length", s.nEmbd());
        if (s.nFf() > 0) u32(kv, p + "feed_forward_length", s.nFf());
        u32(kv, p + "attention.head_count", s.nHead());
        u32(kv, p + "attention.head_count_kv", s.nHeadKv());
        u32(kv, p + "attention.key_length", s.headDim());
        u32(kv, p + "attention.value_length", s.headDim());
        kv.put(p + "attention.layer_norm_rms_epsilon", GgufValue.of(GgufValueType.FLOAT32, s.rmsEps()));
        kv.put(p + "rope.freq_base", GgufValue.of(GgufValueType.FLOAT32, s.ropeTheta()));
        u32(kv, p + "rope.dimension_count", s.ropeDim());
        u32(kv, p + "vocab_size", s.nVocab());
        if (s.isMoe()) {
            u32(kv, p + "expert_count", s.nExpert());
            u32(kv, p + "expert_used_count", s.nExpertUsed());
            u32(kv, p + "expert_feed_forward_length", s.nFfExp());
        }
    }

    private static void str(Map<String, GgufValue> kv, String key, String v) {
        kv.put(key, GgufValue.of(GgufValueType.STRING, v));
    }

    private static void u32(Map<String, GgufValue> kv, String key, int v) {
        kv.put(key, GgufValue.of(GgufValueType.UINT32, (long) v));
    }
}
