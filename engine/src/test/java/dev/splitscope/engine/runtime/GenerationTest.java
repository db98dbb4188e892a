package dev.splitscope.engine.runtime;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.plan.SplitMode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation loop on the real model: streaming, stop strings, cancellation and context limits. */
class GenerationTest {
    private static LoadedModel load(int ctx) throws Exception {
        return LoadedModel.load(TestModels.file("stories260K.gguf"),
                LoadOptions.defaults().on("cpu:2", SplitMode.GRAPH).withCtx(ctx).withThreads(1), LoadProgress.NONE);
    }

    @Test
    void streamsTheGoldenTextTokenByToken() throws Exception {
        Golden g = Golden.of("stories260K.gguf");
        try (LoadedModel m = load(256)) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = m.generate(g.prompt(), GenerateParams.greedy(64), (id, text) -> streamed.append(text));
            assertArrayEquals(g.promptIds(), r.promptIds());
            assertArrayEquals(g.greedyIds(), r.generatedIds());
            assertEquals(r.text(), streamed.toString());
            assertTrue(r.text().startsWith(", there was a little girl named Lily."), r.text());
            assertEquals("length", r.stopReason());
        }
    }

    /** A graph split over a single device runs as that device alone (nothing to reduce), as `--split graph` asks. */
    @Test
    void aGraphSplitOverOneDeviceGivesTheGoldenIds() throws Exception {
        Golden g = Golden.of("stories260K.gguf");
        LoadOptions o = LoadOptions.defaults().on("cpu:1", SplitMode.GRAPH).withCtx(128).withThreads(1);
        try (LoadedModel m = LoadedModel.load(TestModels.file("stories260K.gguf"), o, LoadProgress.NONE)) {
            assertEquals(SplitMode.GRAPH, m.plan().mode());
            assertArrayEquals(g.greedyIds(), m.generate(g.prompt(), GenerateParams.greedy(64), (id, text) -> {}).generatedIds());
        }
    }

    @Test
    void stopsAtAStopString() throws Exception {
        try (LoadedModel m = load(256)) {
            GenerationResult r = m.generate("Once upon a time", new GenerateParams(64, SamplerConfig.greedy(), List.of("Lily"), true, false), TokenListener.NONE);
            assertEquals("stop-string", r.stopReason());
            assertTrue(r.text().endsWith("Lily"), r.text());
        }
    }

    @Test
    void cancelsFromAnotherThread() throws Exception {
        try (LoadedModel m = load(1024)) {
            CountDownLatch started = new CountDownLatch(1);
            Thread canceller = new Thread(() -> {
                try {
                    if (started.await(30, TimeUnit.SECONDS)) m.cancel();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            canceller.start();
            GenerationResult r = m.generate("Once upon a time", GenerateParams.greedy(900), (id, t) -> started.countDown());
            canceller.join();
            assertEquals("cancelled", r.stopReason());
            assertTrue(r.generatedIds().length < 900);
            // the model still works after a cancelled run
            assertEquals(8, m.generate("Once upon a time", GenerateParams.greedy(8), TokenListener.NONE).generatedIds().length);
        }
    }

    @Test
    void refusesToOverflowTheContext() throws Exception {
        try (LoadedModel m = load(32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.generate("Once upon a time", GenerateParams.greedy(64), TokenListener.NONE));
            assertTrue(e.getMessage().contains("context length 32"), e.getMessage());
        }
    }
}
