package dev.splitscope.engine.runtime;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.cpu.CpuDeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-made layouts (no planner): the executor's TP and layer paths give the golden ids. */
public class ExecutorTpSmokeTest {
    private static int[] run(String path, Layout layout, int p) throws Exception {
        Golden golden = Golden.of("stories260K.gguf");
        try (GgufFile f = GgufFile.open(TestModels.file(path))) {
            var arch = Architectures.forName(f.architecture());
            ModelSpec s = arch.readSpec(f.metadata(), 512).withTiedOutput(false);
            List<DeviceOps> devs = new ArrayList<>();
            for (int i = 0; i < p; i++) devs.add(new CpuDeviceOps("cpu:" + i, 1));
            Layout l = layout != null ? layout : Layout.evenSplit(s, p);
            try (ModelRun run = new ModelRun(f, arch.buildGraph(s), l, devs, 128, 64, ReduceType.F32, QuantType.F32)) {
                int[] ids = GreedyGoldenTest.greedy(run, golden.promptIds(), 32, null);
                assertArrayEquals(ids, greedyOnDevices(run, golden.promptIds(), 32), "forwardGreedy vs argmax of forward");
                assertArrayEquals(ids, greedyChained(run, golden.promptIds(), 32), "greedyRun vs argmax of forward");
                var t = run.lastTimings();
                assertEquals(run.splits().size(), t.size(), "one timing row per split");
                for (int i = 0; i < t.size(); i++) {
                    assertEquals(i, t.get(i).split());
                    assertTrue(t.get(i).startNanos() >= 0 && t.get(i).computeNanos() >= 0 && t.get(i).syncNanos() >= 0, t.get(i).toString());
                }
                return ids;
            }
        }
    }

    /** Greedy ids through {@link ModelRun#forwardGreedy} (the devices pick the winner; a fresh KV from position 0). */
    public static int[] greedyOnDevices(ModelRun run, int[] prompt, int n) {
        int[] out = new int[n];
        int id = run.forwardGreedy(prompt, 0), pos = prompt.length;
        for (int i = 0; i < n; i++) {
            out[i] = id;
            id = run.forwardGreedy(new int[] {id}, pos++);
        }
        return out;
    }

    /**
     * Greedy ids through {@link ModelRun#greedyRun} (winners fed back on the devices where they can be), stopped after
     * n / 3 tokens and resumed: the step launched ahead of the stop must not disturb the continuation.
     */
    public static int[] greedyChained(ModelRun run, int[] prompt, int n) {
        int[] out = new int[n];
        int[] count = {1};
        out[0] = run.forwardGreedy(prompt, 0);
        int stopAt = Math.max(2, n / 3);
        int pos = prompt.length;
        pos += run.greedyRun(out[0], pos, n - 1, id -> {
            out[count[0]++] = id;
            return count[0] < stopAt;
        });
        assertEquals(prompt.length + stopAt - 1, pos, "tokens evaluated before the stop");
        run.greedyRun(out[count[0] - 1], pos, n - count[0], id -> {
            out[count[0]++] = id;
            return true;
        });
        return out;
    }

    @Test
    void oneDeviceGivesGoldenIds() throws Exception {
        int[] want = java.util.Arrays.copyOf(Golden.of("stories260K.gguf").greedyIds(), 32);
        assertArrayEquals(want, run("stories260K.gguf", new Layout(false, null, new int[]{0, 0, 0, 0, 0}), 1));
    }

    @Test
    void graphSplitOnTwoAndFourDevicesGivesGoldenIds() throws Exception {
        int[] want = java.util.Arrays.copyOf(Golden.of("stories260K.gguf").greedyIds(), 32);
        assertArrayEquals(want, run("stories260K.gguf", null, 2));
        assertArrayEquals(want, run("stories260K.gguf", null, 4));
        assertArrayEquals(want, run("derived/stories260K-moe4-split-all4.gguf", null, 2));
    }

    @Test
    void layerSplitGivesGoldenIds() throws Exception {
        int[] want = java.util.Arrays.copyOf(Golden.of("stories260K.gguf").greedyIds(), 32);
        assertArrayEquals(want, run("stories260K.gguf", new Layout(false, null, new int[]{0, 0, 1, 1, 2}), 3));
    }
}
