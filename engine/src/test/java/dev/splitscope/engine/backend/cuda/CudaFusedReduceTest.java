package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Backends;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.LoadProgress;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.engine.synth.SyntheticModelWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Decode steps whose reductions run fused with the residual add and norm after them (ar_add_rms_norm_q8, over several
 * blocks of 256 values, the last one partial for 320) give the logits of the host path, which reduces on the host and
 * runs the add and norm as their own kernels. Synthetic models wide enough for several blocks; stories260K's 64 values
 * fit one. Q8_0 and Q4_0 weights, whose attn_output and ffn_down matvecs push their rows themselves; on two logical
 * devices of GPU 0 the fused kernel then waits for its matvec, on two GPUs it gathers the rows as they come.
 */
@Tag("cuda")
class CudaFusedReduceTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"768, 12, 4, Q8_0, 'cuda:0,cuda:0'", "320, 5, 5, Q8_0, 'cuda:0,cuda:0'", "768, 12, 4, Q4_0, 'cuda:0,cuda:0'",
            "768, 12, 4, Q8_0, 'cuda:0,cuda:1'", "768, 12, 4, Q4_0, 'cuda:0,cuda:1'", "320, 5, 5, Q4_0, 'cuda:0,cuda:1'"})
    void fusedDecodeStepsMatchTheHostPath(int dim, int heads, int kvHeads, QuantType type, String devices) throws Exception {
        if (devices.contains("cuda:1"))
            assumeTrue(Backends.require("cuda").deviceCount() >= 2, "needs 2 GPUs, this machine has " + Backends.require("cuda").deviceCount());
        ModelSpec spec = new ModelSpec("llama", "fused reduce " + dim, 2, dim, heads, kvHeads, 64, 3 * dim, 512, 256, 1e-5f,
                10000f, 64, false, 0, 0, 0, false, false, false);
        Path model = dir.resolve("m" + dim + type + ".gguf");
        new SyntheticModelWriter(spec, type).seed(3).write(model);
        int[] tokens = {1, 17, 42, 99, 5, 230, 64, 12, 300, 7, 45, 2};
        LoadOptions base = LoadOptions.defaults().withCtx(64).on(devices, SplitMode.GRAPH);
        float[][] host = logits(model, base.withReducePath(ReducePath.HOST), tokens, "host");
        float[][] peer = logits(model, base.withReducePath(ReducePath.PEER), tokens, "peer");
        for (int s = 0; s < host.length; s++)
            for (int v = 0; v < host[s].length; v++)
                assertEquals(host[s][v], peer[s][v], 1e-3f * Math.max(1f, Math.abs(host[s][v])),
                        dim + " wide " + type + " on " + devices + ", step " + s + " logit " + v);
    }

    /** The logits of the prompt (4 tokens) and of each decode step after it, one token at a time. */
    private static float[][] logits(Path model, LoadOptions o, int[] tokens, String path) throws Exception {
        try (LoadedModel m = LoadedModel.load(model, o, LoadProgress.NONE)) {
            assertTrue(m.run().reducePath().startsWith(path), m.run().reducePath());
            float[][] out = new float[tokens.length - 3][];
            out[0] = m.run().forward(java.util.Arrays.copyOf(tokens, 4), 0);
            for (int i = 4; i < tokens.length; i++) out[i - 3] = m.run().forward(new int[] {tokens[i]}, i);
            return out;
        }
    }
}
