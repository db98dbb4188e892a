package dev.splitscope.engine.runtime;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.synth.SyntheticModelWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * For the architectures without a shared real model (qwen2 biases, qwen3 q/k norm, qwen3moe routing, Mixtral-style
 * llama MoE), a small synthetic model gives the same logits on one device and on layer and graph splits, for the same
 * fed tokens.
 */
class ArchitectureSplitConsistencyTest {
    @TempDir
    Path dir;

    private static ModelSpec spec(String arch) {
        boolean moe = arch.endsWith("moe") || arch.equals("llama-moe");
        String a = arch.equals("llama-moe") ? "llama" : arch;
        return new ModelSpec(a, "tiny " + arch, 2, 64, 4, 2, 16, moe ? 0 : 96, 300, 256, 1e-6f, 10000f, 16,
                !a.equals("llama"), moe ? 4 : 0, moe ? 2 : 0, moe ? 32 : 0, a.equals("qwen2"), a.startsWith("qwen3"), false);
    }

    private static float[][] logits(Path model, LoadOptions o, int[] tokens) throws Exception {
        try (LoadedModel m = LoadedModel.load(model, o, LoadProgress.NONE)) {
            float[][] out = new float[tokens.length - 3][];
            out[0] = m.run().forward(java.util.Arrays.copyOf(tokens, 4), 0);
            for (int i = 4; i < tokens.length; i++) out[i - 3] = m.run().forward(new int[]{tokens[i]}, i);
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "qwen3", "qwen3moe", "llama-moe"})
    void splitsAgree(String arch) throws Exception {
        Path model = dir.resolve(arch + ".gguf");
        new SyntheticModelWriter(spec(arch), QuantType.F32).seed(7).write(model);
        int[] tokens = {1, 17, 42, 99, 5, 230, 64, 12};
        LoadOptions base = LoadOptions.defaults().withCtx(32).withThreads(1);
        float[][] ref = logits(model, base, tokens);
        for (LoadOptions o : new LoadOptions[]{base.on("cpu:2", SplitMode.GRAPH), base.on("cpu:4", SplitMode.GRAPH),
                base.on("cpu:2", SplitMode.LAYER)}) {
            float[][] got = logits(model, o, tokens);
            for (int s = 0; s < ref.length; s++)
                for (int v = 0; v < ref[s].length; v++)
                    assertEquals(ref[s][v], got[s][v], 1e-4f * Math.max(1f, Math.abs(ref[s][v])),
                            arch + " " + o.devices() + " " + o.split() + " step " + s + " logit " + v);
        }
    }
}
