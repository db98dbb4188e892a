package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.Collective;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.cpu.CpuDeviceOps;
import dev.splitscope.engine.Golden;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's chained greedy run over tensor-parallel ranks (what GPUs on the peer path do), with CPU devices
 * standing in: each rank queues its vocabulary slice's winner, the ranks' winners meet (here on the host, in
 * {@link WinnerExchange}), and every rank takes the best. CPU devices record no steps, so every step is walked: the
 * start of every generation on a GPU, where no step has been recorded yet. A rank that replays a step its peers do
 * not have (it would wait on its device for them) voids the run and releases it.
 */
class ChainedGreedyTpTest {
    /** The ranks' posted winners, per round; each rank takes the best of its next round. */
    static final class WinnerExchange {
        private final List<float[]> values = new ArrayList<>();
        private final List<int[]> ids = new ArrayList<>();
        private final int[] posted, taken;

        WinnerExchange(int ranks) {
            posted = new int[ranks];
            taken = new int[ranks];
        }

        synchronized void post(int rank, float value, int id) {
            int round = posted[rank]++;
            while (values.size() <= round) {
                float[] v = new float[posted.length];
                Arrays.fill(v, Float.NaN);
                values.add(v);
                ids.add(new int[posted.length]);
            }
            values.get(round)[rank] = value;
            ids.get(round)[rank] = id;
        }

        /** The best of rank's next round: larger value, then lower id, as the devices and the host pick. */
        synchronized int take(int rank) {
            int round = taken[rank]++;
            float best = Float.NEGATIVE_INFINITY;
            int id = Integer.MAX_VALUE;
            for (int r = 0; r < posted.length; r++) {
                float v = values.get(round)[r];
                int i = ids.get(round)[r];
                if (Float.isNaN(v)) throw new IllegalStateException("rank " + r + " posted nothing for round " + round);
                if (v > best || v == best && i < id) {
                    best = v;
                    id = i;
                }
            }
            return id;
        }
    }

    /**
     * A CPU rank that chains greedy steps through {@code exchange}; its collective is the host barrier one. With
     * {@code claimsReplay} it says it replayed a recorded step (and does nothing), which no real rank does alone.
     */
    private static DeviceOps chaining(CpuDeviceOps cpu, int rank, WinnerExchange exchange, boolean claimsReplay,
                                      java.util.function.Supplier<Collective> collective) {
        return (DeviceOps) Proxy.newProxyInstance(DeviceOps.class.getClassLoader(), new Class<?>[] {DeviceOps.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "collective" -> {
                    return collective.get();
                }
                case "chainsGreedy" -> {
                    return args != null && args.length == 1;  // across ranks only
                }
                case "queueChained" -> {
                    if (args.length == 1) break;
                    DeviceOps.Act logits = (DeviceOps.Act) args[0];
                    DeviceOps.Best b = cpu.argmax(logits);
                    exchange.post(rank, b.value(), (int) args[1] + b.index());
                    return null;
                }
                case "takeChained" -> {
                    return exchange.take(rank);
                }
                case "replayChained" -> {
                    if (claimsReplay) return true;
                }
                default -> { }
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** Two chaining CPU ranks over stories260K, heads, FFN rows and vocabulary halved; rank 1 may claim replays. */
    private static ModelRun open(GgufFile f, boolean rank1ClaimsReplay, RankFailureTest.BarrierCollective[] made) {
        var arch = Architectures.forName(f.architecture());
        ModelSpec s = arch.readSpec(f.metadata(), 512).withTiedOutput(false);
        WinnerExchange exchange = new WinnerExchange(2);
        List<DeviceOps> devs = new ArrayList<>();
        for (int i = 0; i < 2; i++)
            devs.add(chaining(new CpuDeviceOps("cpu:" + i, 1), i, exchange, i == 1 && rank1ClaimsReplay,
                    () -> made[0] = new RankFailureTest.BarrierCollective(devs, -1, 0)));
        return new ModelRun(f, arch.buildGraph(s), Layout.evenSplit(s, 2), devs, 64, 16, ReduceType.F32, QuantType.F32);
    }

    /** What a test does with a run of two chaining ranks that has already evaluated a 3-token prompt. */
    private interface AfterPrompt {
        void test(ModelRun run, RankFailureTest.BarrierCollective collective, int first) throws Exception;
    }

    private static void afterPrompt(boolean rank1ClaimsReplay, AfterPrompt body) throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"))) {
            RankFailureTest.BarrierCollective[] made = new RankFailureTest.BarrierCollective[1];
            try (ModelRun run = open(f, rank1ClaimsReplay, made)) {
                body.test(run, made[0], run.forwardGreedy(new int[] {1, 2, 3}, 0));
            }
        }
    }

    @Test
    void aRankAloneWithARecordedStepVoidsTheRun() throws Exception {
        afterPrompt(true, (run, collective, first) -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.greedyRun(first, 3, 8, id -> true));
            assertTrue(e.getMessage().startsWith("cpu:0 failed in a tensor-parallel step: it had no recorded step to replay"), e.getMessage());
            assertTrue(collective.aborted, "the collective was aborted, releasing the rank that replayed");
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> run.forward(new int[] {4}, 3));
            assertTrue(again.getMessage().contains("void after an earlier failure"), again.getMessage());
        });
    }

    /** A step whose reduction gave up on the device (a peer timed out) is void: its winner never reaches the caller. */
    @Test
    void aStepWhoseReductionGaveUpGivesNoToken() throws Exception {
        afterPrompt(false, (run, collective, first) -> {
            List<Integer> given = new ArrayList<>();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.greedyRun(first, 3, 8, id -> {
                given.add(id);
                if (given.size() == 3) collective.deviceError = "device-side all-reduce timed out";
                return true;
            }));
            assertEquals("device-side all-reduce timed out", e.getMessage());
            assertEquals(3, given.size(), "no winner of a void step was given out");
        });
    }

    @Test
    void ranksThatChainTheirWinnersGiveTheGoldenIds() throws Exception {
        Golden golden = Golden.of("stories260K.gguf");
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"))) {
            try (ModelRun run = open(f, false, new RankFailureTest.BarrierCollective[1])) {
                assertTrue(run.chainsGreedy(), "two ranks whose collective lets them chain");
                // first on a fresh run, as generation does; stopped after a third and resumed
                int[] ids = ExecutorTpSmokeTest.greedyChained(run, golden.promptIds(), 32);
                assertArrayEquals(Arrays.copyOf(golden.greedyIds(), 32), ids, "chained greedy ids over two ranks");
                assertTrue(run.lastTimings().size() == run.splits().size(), "one timing row per split");
            }
        }
    }
}
