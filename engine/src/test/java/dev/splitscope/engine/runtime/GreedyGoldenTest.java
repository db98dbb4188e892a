package dev.splitscope.engine.runtime;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.cpu.CpuDeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.model.Architecture;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whole-model check on one device: the greedy ids and top-5 logits equal llama.cpp's. */
class GreedyGoldenTest {

    static int[] greedy(ModelRun run, int[] prompt, int n, float[][] firstLogits) {
        int[] out = new int[n];
        float[] logits = run.forward(prompt, 0);
        if (firstLogits != null) firstLogits[0] = logits;
        int pos = prompt.length;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
            out[i] = best;
            logits = run.forward(new int[]{best}, pos++);
        }
        return out;
    }

    /** Relative tolerance of the top-5 logits against the golden ones (issue 3 asks 1e-3 for F32). */
    private static final double TOLERANCE = 1e-3;
    /**
     * Q8_0/Q4_0 matmuls quantize activations to Q8 blocks, as llama.cpp's CPU path does, while the golden logits are
     * f32 math on dequantized weights: on this 64-wide model that moves the top-5 logits by up to ~0.5%.
     */
    private static final double Q8_ACTIVATION_TOLERANCE = 1e-2;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-F16.gguf", "derived/stories260K-BF16.gguf",
            "derived/stories260K-Q8_0.gguf", "derived/stories260K-Q4_0.gguf", "llama-2-tiny-random.gguf",
            "derived/stories260K-moe4-identical-top2.gguf", "derived/stories260K-moe4-split-all4.gguf"})
    void matchesLlamaCpp(String path) throws Exception {
        String name = path.substring(path.lastIndexOf('/') + 1);
        // The MoE variants must reproduce the dense model exactly (SOURCES.md), so they share its golden entry.
        Golden golden = Golden.of(name.contains("moe4") ? "stories260K.gguf" : name);
        try (GgufFile f = GgufFile.open(TestModels.file(path))) {
            Architecture arch = Architectures.forName(f.architecture());
            ModelSpec spec = arch.readSpec(f.metadata(), f.metadata().getStringArray("tokenizer.ggml.tokens").length)
                    .withTiedOutput(!f.hasTensor("output.weight"));
            Graph g = arch.buildGraph(spec);
            List<DeviceOps> devs = List.of(new CpuDeviceOps("cpu:0", 1));
            try (ModelRun run = new ModelRun(f, g, Layout.single(spec), devs, 128, 64, ReduceType.F32, QuantType.F32)) {
                float[][] first = new float[1][];
                int[] ids = greedy(run, golden.promptIds(), golden.greedyIds().length, first);
                double worst = 0;
                double tolerance = name.contains("Q8_0") || name.contains("Q4_0") ? Q8_ACTIVATION_TOLERANCE : TOLERANCE;
                for (int i = 0; i < golden.top5Ids().length; i++) {
                    float want = golden.top5Logits()[i], got = first[0][golden.top5Ids()[i]];
                    worst = Math.max(worst, Math.abs(got - want) / Math.max(1e-3, Math.abs(want)));
                    // golden logits are printed with 4 decimals, hence the 5e-5 absolute floor
                    assertEquals(want, got, Math.abs(want) * tolerance + 5e-5, name + " logit of token " + golden.top5Ids()[i]);
                }
                System.out.printf("%s: worst relative top-5 logit difference %.2e%n", name, worst);
                assertArrayEquals(golden.greedyIds(), ids, name + " greedy ids");
            }
        }
    }
}
