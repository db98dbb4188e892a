package dev.splitscope.engine.model.llama;

import dev.splitscope.engine.model.LlamaFamilyArchitecture;

/** The {@code llama} architecture: llama and Llama-2/3, and Mixtral-style MoE when {@code llama.expert_count > 0}; rope on adjacent pairs. */
public final class LlamaArchitecture extends LlamaFamilyArchitecture {
    public LlamaArchitecture() {
        super("llama");
    }
}
