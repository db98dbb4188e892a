package dev.splitscope.engine.model;

import dev.splitscope.engine.gguf.GgufMetadata;

/**
 * Hyperparameters of a llama-family model (llama, Mixtral-style MoE, qwen2, qwen3, qwen3moe). Pure data:
 * weights and run state live elsewhere. Built from GGUF metadata or from a {@link Preset}.
 *
 * @param nFf        dense FFN width (0 for a model whose every layer is MoE)
 * @param nExpert    experts per MoE layer, 0 for a dense model
 * @param nFfExp     width of one expert's FFN
 * @param ropeNeox   rope on halves (neox/qwen) rather than adjacent pairs (llama)
 * @param attnBias   q/k/v carry biases (qwen2)
 * @param qkNorm     per-head RMS norm on q and k (qwen3)
 * @param tiedOutput lm_head shares token_embd (no output.weight)
 */
public record ModelSpec(
        String architecture,
        String name,
        int nLayer,
        int nEmbd,
        int nHead,
        int nHeadKv,
        int headDim,
        int nFf,
        int nVocab,
        int ctxTrain,
        float rmsEps,
        float ropeTheta,
        int ropeDim,
        boolean ropeNeox,
        int nExpert,
        int nExpertUsed,
        int nFfExp,
        boolean attnBias,
        boolean qkNorm,
        boolean tiedOutput) {

    public ModelSpec {
        if (nLayer <= 0 || nEmbd <= 0 || nHead <= 0 || nHeadKv <= 0 || headDim <= 0 || nVocab <= 0)
            throw new IllegalArgumentException("model '" + name + "': layers, embedding, heads, kv heads, head dim and vocab must all be positive");
        if (nHead % nHeadKv != 0)
            throw new IllegalArgumentException("model '" + name + "': " + nHead + " heads is not a multiple of " + nHeadKv + " kv heads");
    }

    public boolean isMoe() {
        return nExpert > 0;
    }

    /** Query heads per kv head. */
    public int gqaRatio() {
        return nHead / nHeadKv;
    }

    public int qDim() {
        return nHead * headDim;
    }

    public int kvDim() {
        return nHeadKv * headDim;
    }

    /** Reads the hyperparameters of {@code arch} from metadata; missing optional keys take llama.cpp's defaults. */
    public static ModelSpec fromMetadata(GgufMetadata m, int vocabSize) {
        String arch = m.getString("general.architecture");
        String p = arch + ".";
        int nEmbd = m.getInt(p + "embedding_length");
        int nHead = m.getInt(p + "attention.head_count");
        int nHeadKv = m.getInt(p + "attention.head_count_kv", nHead);
        int headDim = m.getInt(p + "attention.key_length", nEmbd / nHead);
        int nExpert = m.getInt(p + "expert_count", 0);
        int nFf = m.getInt(p + "feed_forward_length", 0);
        int nFfExp = m.getInt(p + "expert_feed_forward_length", nExpert > 0 ? nFf : 0);
        boolean neox = !arch.equals("llama");
        return new ModelSpec(arch,
                m.getString("general.name", arch),
                m.getInt(p + "block_count"),
                nEmbd, nHead, nHeadKv, headDim, nFf,
                m.getInt(p + "vocab_size", vocabSize),
                m.getInt(p + "context_length", 2048),
                m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                m.getFloat(p + "rope.freq_base", 10000f),
                m.getInt(p + "rope.dimension_count", headDim),
                neox,
                nExpert,
                m.getInt(p + "expert_used_count", 0),
                nFfExp,
                arch.equals("qwen2"),
                arch.startsWith("qwen3"),
                false);
    }

    /** A copy with {@code tiedOutput} set, once the tensor directory shows whether output.weight exists. */
    public ModelSpec withTiedOutput(boolean tied) {
        return new ModelSpec(architecture, name, nLayer, nEmbd, nHead, nHeadKv, headDim, nFf, nVocab, ctxTrain, rmsEps,
                ropeTheta, ropeDim, ropeNeox, nExpert, nExpertUsed, nFfExp, attnBias, qkNorm, tied);
    }
}
