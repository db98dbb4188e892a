package dev.splitscope.engine.model.qwen2;

import dev.splitscope.engine.model.LlamaFamilyArchitecture;

/** The {@code qwen2} architecture: llama-like with biases on q, k and v; neox rope. */
public final class Qwen2Architecture extends LlamaFamilyArchitecture {
    public Qwen2Architecture() {
        super("qwen2");
    }
}
