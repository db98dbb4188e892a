package dev.splitscope.engine.model.qwen3moe;

import dev.splitscope.engine.model.LlamaFamilyArchitecture;

/** The {@code qwen3moe} architecture: qwen3 with every FFN a routed MoE (softmax, top-k, renormalised weights). */
public final class Qwen3MoeArchitecture extends LlamaFamilyArchitecture {
    public Qwen3MoeArchitecture() {
        super("qwen3moe");
    }
}
