package dev.splitscope.engine.model.qwen3;

import dev.splitscope.engine.model.LlamaFamilyArchitecture;

/** The {@code qwen3} architecture: llama-like with per-head RMS norm on q and k; neox rope. */
public final class Qwen3Architecture extends LlamaFamilyArchitecture {
    public Qwen3Architecture() {
        super("qwen3");
    }
}
