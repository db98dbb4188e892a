package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.Collective;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.cpu.CpuDeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank that fails inside a tensor-parallel whole step, while its peer waits in a device-side reduction it will
 * never join (as on GPUs, where that peer's graph would spin): the executor aborts the collective, reports the rank
 * that failed, refuses the void run afterwards, and closes without hanging. CPU devices stand in for GPUs; their
 * collective waits at a host barrier with no timeout of its own, so only the abort can release it.
 */
class RankFailureTest {
    /** Sums the ranks' partials on the host; rank {@code failingRank} throws at its {@code failAt}-th reduction. */
    static final class BarrierCollective implements Collective {
        final List<DeviceOps> ranks;
        final DeviceOps.Act[] parts;
        final AtomicInteger calls = new AtomicInteger();
        final int failingRank, failAt;
        volatile boolean aborted;
        /** When set, {@link #check} reports it, as the peer path reports a reduction that gave up on the device. */
        volatile String deviceError;
        private int arrived;
        private long generation;

        BarrierCollective(List<DeviceOps> ranks, int failingRank, int failAt) {
            this.ranks = ranks;
            this.parts = new DeviceOps.Act[ranks.size()];
            this.failingRank = failingRank;
            this.failAt = failAt;
        }

        @Override
        public String description() {
            return "test barrier";
        }

        @Override
        public void check() {
            if (deviceError != null) throw new IllegalStateException(deviceError);
        }

        @Override
        public void allReduce(int rank, int key, DeviceOps.Act src, DeviceOps.Act dst, int tokens) {
            if (rank == failingRank && calls.incrementAndGet() == failAt) throw new IllegalStateException("injected fault");
            parts[rank] = src;
            await();
            float[] sum = new float[tokens * src.width()], part = new float[sum.length];
            for (int r = 0; r < ranks.size(); r++) {
                ranks.get(r).download(parts[r], tokens, part);
                for (int i = 0; i < sum.length; i++) sum[i] += part[i];
            }
            await();
            ranks.get(rank).upload(sum, tokens, dst);
        }

        /** Waits for every rank, with no timeout of its own: only all ranks arriving, or the abort, end the wait. */
        private synchronized void await() {
            long mine = generation;
            if (++arrived == ranks.size()) {
                arrived = 0;
                generation++;
                notifyAll();
                return;
            }
            while (mine == generation && !aborted) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (mine == generation) throw new IllegalStateException("released by the abort");
        }

        @Override
        public synchronized void abort() {
            aborted = true;
            notifyAll();
        }

        @Override
        public void close() {}
    }

    /** A CPU device whose collective() is the barrier collective above. */
    private static DeviceOps withCollective(CpuDeviceOps cpu, java.util.function.Supplier<Collective> collective) {
        return (DeviceOps) Proxy.newProxyInstance(DeviceOps.class.getClassLoader(), new Class<?>[] {DeviceOps.class}, (proxy, m, args) -> {
            if (m.getName().equals("collective")) return collective.get();
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** Two CPU devices whose collective is a barrier collective; rank {@code failingRank} fails at reduction failAt. */
    private static ModelRun open(GgufFile f, BarrierCollective[] made, int failingRank, int failAt) {
        var arch = Architectures.forName(f.architecture());
        ModelSpec s = arch.readSpec(f.metadata(), 512).withTiedOutput(false);
        List<DeviceOps> devs = new ArrayList<>();
        for (int i = 0; i < 2; i++)
            devs.add(withCollective(new CpuDeviceOps("cpu:" + i, 1), () -> made[0] = new BarrierCollective(devs, failingRank, failAt)));
        return new ModelRun(f, arch.buildGraph(s), Layout.evenSplit(s, 2), devs, 64, 16, ReduceType.F32, QuantType.F32);
    }

    @Test
    void aFailingRankReleasesItsPeerAndVoidsTheRun() throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"))) {
            BarrierCollective[] made = new BarrierCollective[1];
            ModelRun run = open(f, made, 1, 3);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.forward(new int[] {1, 2, 3}, 0));
                assertTrue(e.getMessage().startsWith("cpu:1 failed in a tensor-parallel step: injected fault"), e.getMessage());
                assertTrue(made[0].aborted, "the collective was aborted");
                assertTrue(List.of(e.getSuppressed()).stream().anyMatch(x -> x.getMessage().contains("released by the abort")),
                        "the peer's own error is kept");
                IllegalStateException again = assertThrows(IllegalStateException.class, () -> run.forward(new int[] {4}, 3));
                assertTrue(again.getMessage().contains("void after an earlier failure"), again.getMessage());
                run.close();
            }, "a rank failure must not leave its peer (or close) waiting");
        }
    }

    /** A caller interrupted while the devices run a step (a Java cell stopped by the user) fails no device. */
    @Test
    void anInterruptedCallerLeavesTheRunUsable() throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"))) {
            BarrierCollective[] made = new BarrierCollective[1];
            try (ModelRun run = open(f, made, -1, 0)) {
                int[] prompt = {1, 2, 3};
                float[] want = run.forward(prompt, 0);
                Thread.currentThread().interrupt();
                assertThrows(IllegalStateException.class, () -> run.forward(prompt, 0));
                assertTrue(Thread.interrupted(), "the caller keeps its interrupt");
                assertTrue(!made[0].aborted, "an interrupt aborts nothing");
                // (not bit for bit: once C2 compiles the Vector API kernels, their lane sums may round differently)
                assertArrayEquals(want, run.forward(prompt, 0), 1e-4f, "the next step gives the same logits");
            }
        }
    }
}
