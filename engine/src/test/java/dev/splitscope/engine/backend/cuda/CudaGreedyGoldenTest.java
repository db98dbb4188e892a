package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.Backend;
import dev.splitscope.engine.backend.Backends;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Architecture;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.runtime.Layout;
import dev.splitscope.engine.runtime.ModelRun;
import dev.splitscope.engine.runtime.ReduceType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole models on the GPU through the engine's executor: greedy ids equal llama.cpp's golden ids on one device, and
 * on 2 and 4 logical devices of the same GPU (tensor parallel), for the dense and the MoE variants.
 */
@Tag("cuda")
class CudaGreedyGoldenTest {

    /** @param logits receives the prompt's logits, and (when it has room) the last decode step's */
    static int[] greedy(ModelRun run, int[] prompt, int n, float[][] logitsOut) {
        int[] out = new int[n];
        float[] logits = run.forward(prompt, 0);
        if (logitsOut != null) logitsOut[0] = logits;
        int pos = prompt.length;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
            out[i] = best;
            logits = run.forward(new int[] {best}, pos++);
        }
        if (logitsOut != null && logitsOut.length > 1) logitsOut[1] = logits;
        return out;
    }

    static int[] run(String path, int devices, float[][] first, int n, int[] prompt) throws Exception {
        return run(path, devices, first, n, prompt, ReducePath.AUTO, ReduceType.F32, null);
    }

    /** @param gpus GPU ordinal per device (null: all on GPU 0); @param seen receives the run's reduce path */
    static int[] run(String path, int devices, float[][] first, int n, int[] prompt, ReducePath reducePath, ReduceType reduceType,
                     int[] gpus, String... seen) throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.file(path))) {
            Architecture arch = Architectures.forName(f.architecture());
            ModelSpec s = arch.readSpec(f.metadata(), f.metadata().getStringArray("tokenizer.ggml.tokens").length)
                    .withTiedOutput(!f.hasTensor("output.weight"));
            Layout layout = devices > 1 ? Layout.evenSplit(s, devices) : Layout.single(s);
            Backend cuda = Backends.require("cuda");
            List<DeviceOps> devs = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                int gpu = gpus == null ? 0 : gpus[i];
                devs.add(cuda.open(gpu, "cuda:" + gpu + "/" + i, 1));
            }
            try (ModelRun run = new ModelRun(f, arch.buildGraph(s), layout, devs, 128, 64, reduceType, reducePath, QuantType.F16)) {
                // chained first, as generation runs it: its first steps are walked and captured, none recorded before
                int[] chained = dev.splitscope.engine.runtime.ExecutorTpSmokeTest.greedyChained(run, prompt, n);
                int[] ids = greedy(run, prompt, n, first);
                assertArrayEquals(ids, dev.splitscope.engine.runtime.ExecutorTpSmokeTest.greedyOnDevices(run, prompt, n), "forwardGreedy vs argmax of forward");
                assertArrayEquals(ids, chained, "greedyRun on a fresh run vs argmax of forward");
                assertArrayEquals(ids, dev.splitscope.engine.runtime.ExecutorTpSmokeTest.greedyChained(run, prompt, n), "greedyRun vs argmax of forward");
                if (seen.length > 0) seen[0] = run.reducePath();
                checkTimings(run);
                return ids;
            }
        }
    }

    /** Every split of the last step has a timing row, measured on the device, in split order. */
    static void checkTimings(ModelRun run) {
        var t = run.lastTimings();
        assertEquals(run.splits().size(), t.size(), "one timing row per split");
        for (int i = 0; i < t.size(); i++) {
            assertEquals(i, t.get(i).split());
            assertTrue(t.get(i).computeNanos() >= 0 && t.get(i).syncNanos() >= 0 && t.get(i).startNanos() >= 0, "timings " + t.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-F16.gguf", "derived/stories260K-BF16.gguf",
            "derived/stories260K-Q8_0.gguf", "derived/stories260K-Q4_0.gguf", "llama-2-tiny-random.gguf"})
    void oneGpuMatchesLlamaCpp(String path) throws Exception {
        String name = path.substring(path.lastIndexOf('/') + 1);
        Golden golden = Golden.of(name);
        float[][] first = new float[1][];
        int[] ids = run(path, 1, first, golden.greedyIds().length, golden.promptIds());
        for (int i = 0; i < golden.top5Ids().length; i++) {
            float want = golden.top5Logits()[i], got = first[0][golden.top5Ids()[i]];
            assertEquals(want, got, Math.abs(want) * 5e-3 + 5e-3, name + " logit of token " + golden.top5Ids()[i]);
        }
        assertArrayEquals(golden.greedyIds(), ids, name + " greedy ids on one GPU");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-Q8_0.gguf", "derived/stories260K-moe4-split-all4.gguf",
            "derived/stories260K-moe4-identical-top2.gguf"})
    void logicalDevicesMatchOneDevice(String path) throws Exception {
        int[] prompt = Golden.of("stories260K.gguf").promptIds();
        float[][] one = new float[1][], two = new float[1][], four = new float[1][];
        int[] ids1 = run(path, 1, one, 32, prompt);
        assertArrayEquals(ids1, run(path, 2, two, 32, prompt), path + ": 2 logical devices vs 1");
        // 4-way even head split leaves 16-wide attn_output column slices: block-quantized files need 32
        boolean fourWay = !path.contains("Q8_0");
        if (fourWay) assertArrayEquals(ids1, run(path, 4, four, 32, prompt), path + ": 4 logical devices vs 1");
        for (float[][] other : fourWay ? new float[][][] {two, four} : new float[][][] {two})
            for (int v = 0; v < one[0].length; v++)
                assertEquals(one[0][v], other[0][v], 1e-3f * Math.max(1, Math.abs(one[0][v])), path + " logit " + v);
        if (path.contains("moe4") || path.equals("stories260K.gguf"))
            assertArrayEquals(Arrays.copyOf(Golden.of("stories260K.gguf").greedyIds(), 32), ids1, path + " vs golden");
    }

    /**
     * The peer path (device-side, in CUDA graphs, where a decode step's reductions run fused with the norms after them)
     * and the host path give the same ids, and the same logits for the prompt and the last decode step; f16/bf16
     * reduce still reproduces the ids.
     */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-moe4-split-all4.gguf"})
    void reducePathsAgree(String path) throws Exception {
        int[] prompt = Golden.of("stories260K.gguf").promptIds();
        float[][] host = new float[2][], peer = new float[2][], half = new float[1][];
        String[] seen = new String[1];
        int[] ids = run(path, 2, host, 48, prompt, ReducePath.HOST, ReduceType.F32, null, seen);
        assertTrue(seen[0].startsWith("host"), seen[0]);
        assertArrayEquals(ids, run(path, 2, peer, 48, prompt, ReducePath.PEER, ReduceType.F32, null, seen), path + ": peer vs host");
        assertTrue(seen[0].startsWith("peer"), seen[0]);
        for (int step = 0; step < 2; step++)
            for (int v = 0; v < host[step].length; v++)
                assertEquals(host[step][v], peer[step][v], 1e-4f * Math.max(1, Math.abs(host[step][v])),
                        path + (step == 0 ? " prompt" : " last decode step") + " logit " + v);
        assertArrayEquals(ids, run(path, 4, null, 48, prompt, ReducePath.PEER, ReduceType.BF16, null, seen), path + ": 4-way bf16 peer reduce");
        assertArrayEquals(ids, run(path, 2, half, 48, prompt, ReducePath.PEER, ReduceType.F16, null, seen), path + ": f16 peer reduce");
    }

    /**
     * A one-token prompt, so the very first step is a decode step recorded as a graph: the ranks' reductions must not
     * wait on a weight upload (every weight is on the device before the first step).
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void oneTokenPromptOnLogicalDevices(int devices) throws Exception {
        int[] prompt = {Golden.of("stories260K.gguf").promptIds()[0]};
        int[] ids1 = run("stories260K.gguf", 1, null, 24, prompt);
        assertArrayEquals(ids1, run("stories260K.gguf", devices, null, 24, prompt, ReducePath.PEER, ReduceType.F32, null),
                devices + " logical devices vs 1, from a one-token prompt");
    }

    /** Two real GPUs (skipped on one): NCCL and peer paths reproduce the one-GPU ids. */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-Q8_0.gguf", "derived/stories260K-moe4-split-all4.gguf"})
    void twoGpusMatchOneGpu(String path) throws Exception {
        assumeTrue(Backends.require("cuda").deviceCount() >= 2, "needs 2 GPUs, this machine has " + Backends.require("cuda").deviceCount());
        int[] prompt = Golden.of("stories260K.gguf").promptIds();
        int[] ids1 = run(path, 1, null, 32, prompt);
        String[] seen = new String[1];
        assertArrayEquals(ids1, run(path, 2, null, 32, prompt, ReducePath.PEER, ReduceType.F32, new int[] {0, 1}, seen), path + ": peer on 2 GPUs");
        assertArrayEquals(ids1, run(path, 2, null, 32, prompt, ReducePath.AUTO, ReduceType.F32, new int[] {0, 1}, seen), path + ": auto on 2 GPUs");
        assertTrue(seen[0].startsWith("peer"), "auto across GPUs with peer access takes the peer path: " + seen[0]);
        assumeTrue(Nccl.load(new java.util.ArrayList<>()).isPresent(), "libnccl is not on this machine");
        assertArrayEquals(ids1, run(path, 2, null, 32, prompt, ReducePath.NCCL, ReduceType.F32, new int[] {0, 1}, seen), path + ": nccl on 2 GPUs");
        assertTrue(seen[0].startsWith("nccl"), seen[0]);
    }
}
