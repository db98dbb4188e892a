package dev.splitscope.engine.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The shapes of well-known models, in one place. {@code synth} writes random weights in these shapes and
 * the planner plans them without any file.
 */
public enum Preset {
    /** llama2.c's stories260K: tiny, for quick runs and tests without the real file. */
    STORIES_260K("stories-260k", new ModelSpec("llama", "stories260K (synthetic)", 5, 64, 8, 4, 8, 172, 512, 512,
            1e-5f, 10000f, 8, false, 0, 0, 0, false, false, false)),
    LLAMA_3_2_1B("llama-3.2-1b", new ModelSpec("llama", "Llama-3.2-1B (synthetic)", 16, 2048, 32, 8, 64, 8192, 128256, 131072,
            1e-5f, 500000f, 64, false, 0, 0, 0, false, false, true)),
    LLAMA3_8B("llama3-8b", new ModelSpec("llama", "Llama-3-8B (synthetic)", 32, 4096, 32, 8, 128, 14336, 128256, 8192,
            1e-5f, 500000f, 128, false, 0, 0, 0, false, false, false)),
    LLAMA3_70B("llama3-70b", new ModelSpec("llama", "Llama-3-70B (synthetic)", 80, 8192, 64, 8, 128, 28672, 128256, 8192,
            1e-5f, 500000f, 128, false, 0, 0, 0, false, false, false)),
    QWEN3_0_6B("qwen3-0.6b", new ModelSpec("qwen3", "Qwen3-0.6B (synthetic)", 28, 1024, 16, 8, 128, 3072, 151936, 40960,
            1e-6f, 1000000f, 128, true, 0, 0, 0, false, true, true)),
    QWEN3_30B_A3B("qwen3-30b-a3b", new ModelSpec("qwen3moe", "Qwen3-30B-A3B (synthetic)", 48, 2048, 32, 4, 128, 6144, 151936, 40960,
            1e-6f, 1000000f, 128, true, 128, 8, 768, false, true, false)),
    MIXTRAL_8X7B("mixtral-8x7b", new ModelSpec("llama", "Mixtral-8x7B (synthetic)", 32, 4096, 32, 8, 128, 14336, 32000, 32768,
            1e-5f, 1000000f, 128, false, 8, 2, 14336, false, false, false));

    public final String id;
    public final ModelSpec spec;

    Preset(String id, ModelSpec spec) {
        this.id = id;
        this.spec = spec;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(p -> p.id).toList();
    }

    /** The preset with this id (case-insensitive), or an error that lists the known ones. */
    public static Preset byId(String id) {
        for (Preset p : values()) if (p.id.equals(id.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown preset '" + id + "'; known presets: " + String.join(", ", ids()));
    }
}
