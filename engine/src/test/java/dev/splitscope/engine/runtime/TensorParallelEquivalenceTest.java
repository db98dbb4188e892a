package dev.splitscope.engine.runtime;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.plan.SplitMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 4's acceptance check: planned runs on virtual CPU devices — no split, layer split on 2 and 3 devices, graph
 * split on 2 and 4 devices and with uneven fractions 0.7/0.3 — give the same greedy ids as one device, and with an f32
 * reduce the logits after the prompt agree within 1e-4 relative.
 */
class TensorParallelEquivalenceTest {
    private static final int N = 48;

    private record Result(int[] ids, float[] logits) {}

    private static Result run(String path, LoadOptions o) throws Exception {
        try (LoadedModel m = LoadedModel.load(TestModels.file(path), o, LoadProgress.NONE)) {
            int[] prompt = Golden.of("stories260K.gguf").promptIds();
            float[] logits = m.run().forward(prompt, 0);
            float[] first = logits.clone();
            int[] ids = new int[N];
            for (int i = 0; i < N; i++) {
                ids[i] = Sampler.argmax(logits);
                logits = m.run().forward(new int[]{ids[i]}, prompt.length + i);
            }
            return new Result(ids, first);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-Q8_0.gguf", "derived/stories260K-Q4_0.gguf",
            "derived/stories260K-moe4-identical-top2.gguf", "derived/stories260K-moe4-split-all4.gguf"})
    void everySplitGivesTheSameTokens(String path) throws Exception {
        LoadOptions base = LoadOptions.defaults().withCtx(128).withThreads(1);
        Result ref = run(path, base);
        LoadOptions[] variants = {
                base.on("cpu:2", SplitMode.LAYER),
                base.on("cpu:3", SplitMode.LAYER),
                base.on("cpu:2", SplitMode.GRAPH),
                base.on("cpu:4", SplitMode.GRAPH),
                base.on("cpu:2", SplitMode.GRAPH).withTensorSplit(new double[]{0.7, 0.3}),
        };
        String[] names = {"layer/2", "layer/3", "graph/2", "graph/4", "graph/0.7,0.3"};
        for (int v = 0; v < variants.length; v++) {
            Result r = run(path, variants[v]);
            assertArrayEquals(ref.ids, r.ids, path + " " + names[v] + ": greedy ids differ from one device");
            for (int i = 0; i < ref.logits.length; i++)
                assertEquals(ref.logits[i], r.logits[i], 1e-4f * Math.max(1f, Math.abs(ref.logits[i])),
                        path + " " + names[v] + ": logit " + i);
        }
    }
}
