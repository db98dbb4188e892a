package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.runtime.GenerateParams;
import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.LoadProgress;
import dev.splitscope.engine.runtime.LoadedModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many logical devices of one GPU, through the planner as `generate` and `%load` take them: as many peer ranks as the
 * GPU has hardware queues to spare, more on the host path, and more devices than stories260K has attention heads
 * (empty splits, whose kernels have empty grids). Each gives the one-device ids.
 */
@Tag("cuda")
class CudaCrowdedGpuTest {
    private static final String PROMPT = "Once upon a time";

    private static String devices(int n) {
        return String.join(",", Collections.nCopies(n, "cuda:0"));
    }

    /** The greedy ids of 24 tokens; {@code path} receives the reduce path the run took. */
    private static int[] generate(String devices, ReducePath reducePath, String[] path) throws Exception {
        LoadOptions o = LoadOptions.defaults().on(devices, SplitMode.GRAPH).withCtx(64).withReducePath(reducePath);
        try (LoadedModel m = LoadedModel.load(TestModels.file("stories260K.gguf"), o, LoadProgress.NONE)) {
            path[0] = m.run().reducePath();
            return m.generate(PROMPT, GenerateParams.greedy(24), (id, piece) -> {}).generatedIds();
        }
    }

    @ParameterizedTest
    @CsvSource({"7, PEER, peer", "8, AUTO, host", "16, AUTO, host"})
    void crowdedGpuGivesTheOneDeviceIds(int n, ReducePath reducePath, String taken) throws Exception {
        String[] path = new String[1];
        int[] one = generate("cuda:0", ReducePath.AUTO, path);
        assertArrayEquals(one, generate(devices(n), reducePath, path), n + " logical devices, " + reducePath);
        assertTrue(path[0].startsWith(taken), n + " logical devices took " + path[0]);
    }

    @Test
    void peerPathRefusesMoreRanksThanTheGpuHasQueuesFor() {
        int cap = CudaCollectives.peerRanksPerGpu();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> generate(devices(cap + 1), ReducePath.PEER, new String[1]));
        assertTrue(e.getMessage().startsWith("the peer reduce path runs at most " + cap + " ranks on one GPU"), e.getMessage());
    }
}
