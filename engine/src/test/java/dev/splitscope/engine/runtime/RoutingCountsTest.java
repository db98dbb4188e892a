package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.plan.SplitMode;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MoE routing counter: off by default, k picks per token and layer, the same on one device as split. */
class RoutingCountsTest {
    private static final String MOE = "derived/stories260K-moe4-identical-top2.gguf";

    private static long[][] route(String devices, SplitMode split, boolean enable) throws Exception {
        try (LoadedModel m = LoadedModel.load(TestModels.file(MOE), LoadOptions.defaults().on(devices, split).withCtx(64), LoadProgress.NONE)) {
            m.run().routing().enable(enable);
            GenerationResult r = m.generate("Once upon a time", GenerateParams.greedy(8), TokenListener.NONE);
            RoutingCounts c = m.run().routing();
            int k = m.spec().nExpertUsed();
            for (int l = 0; l < c.layers() && enable; l++) {
                long sum = 0;
                for (long n : c.snapshot()[l]) sum += n;
                assertEquals(c.tokens(l) * k, sum, "layer " + l + ": every token picks k experts");
                // The prompt, plus every sampled token but the last, went through the model.
                assertEquals(r.promptIds().length + r.generatedIds().length - 1, c.tokens(l));
            }
            long[][] snap = c.snapshot();
            c.reset();
            assertEquals(0, c.tokens(0));
            return snap;
        }
    }

    @Test
    void countsEveryTokenOnceWhateverTheSplit() throws Exception {
        long[][] one = route("cpu:1", SplitMode.NONE, true);
        assertArrayEquals(one, route("cpu:2", SplitMode.GRAPH, true));
        assertArrayEquals(one, route("cpu:2", SplitMode.LAYER, true));
    }

    @Test
    void offByDefault() throws Exception {
        for (long[] row : route("cpu:1", SplitMode.NONE, false)) for (long n : row) assertTrue(n == 0);
    }
}
