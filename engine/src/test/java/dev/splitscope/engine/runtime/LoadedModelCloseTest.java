package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.plan.SplitMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A closed (unloaded) model refuses to generate with a clear message, and closing stops a running generation first. */
class LoadedModelCloseTest {

    @Test
    void aClosedModelSaysSoAndClosingTwiceIsHarmless() throws Exception {
        Path file = TestModels.file("stories260K.gguf");
        LoadedModel m = LoadedModel.load(file, LoadOptions.defaults().on("cpu:2", SplitMode.GRAPH).withCtx(64), LoadProgress.NONE);
        assertEquals(4, m.generate("Once upon a time", GenerateParams.greedy(4), (id, piece) -> {}).generatedIds().length);
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.generate("Once upon a time", GenerateParams.greedy(4), (id, piece) -> {}));
        assertTrue(e.getMessage().contains("unloaded"), e.getMessage());
        assertDoesNotThrow(m::close);
    }

    @Test
    void closingDuringAGenerationCancelsItBeforeFreeingMemory() throws Exception {
        Path file = TestModels.file("stories260K.gguf");
        LoadedModel m = LoadedModel.load(file, LoadOptions.defaults().on("cpu:2", SplitMode.GRAPH).withCtx(512), LoadProgress.NONE);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                outcome.set(m.generate("Once upon a time", new GenerateParams(400, SamplerConfig.defaults(1), java.util.List.of(), true, false),
                        (id, piece) -> started.countDown()));
            } catch (Throwable ex) {
                outcome.set(ex);
            }
        });
        t.start();
        started.await();
        m.close();
        t.join(10_000);
        assertFalse(t.isAlive(), "the generation did not stop");
        GenerationResult r = assertInstanceOfResult(outcome.get());
        assertEquals("cancelled", r.stopReason());
    }

    private static GenerationResult assertInstanceOfResult(Object o) {
        if (o instanceof Throwable t) throw new AssertionError("the generation failed instead of stopping", t);
        return (GenerationResult) o;
    }
}
