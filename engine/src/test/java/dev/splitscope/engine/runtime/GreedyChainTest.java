package dev.splitscope.engine.runtime;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.cpu.CpuDeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.tokenizer.Tokenizer;
import dev.splitscope.engine.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's chained greedy loop ({@link Executor#greedyRun}) on a CPU device that claims to chain: its winners
 * queue up as a GPU's would, and it never has a recorded step, so every step after the first is walked with the
 * winner the loop took. The ids equal the golden ones, a stop and resume loses nothing, generation ends as the
 * step-by-step loop does, and winners that are not token ids fail with a message instead of indexing past the
 * vocabulary.
 */
class GreedyChainTest {
    /** A CPU device with a host-side winner queue standing in for a GPU's; {@code corrupt} replaces every winner. */
    private static DeviceOps chaining(CpuDeviceOps cpu, ArrayDeque<Integer> queued, Integer corrupt) {
        return (DeviceOps) Proxy.newProxyInstance(DeviceOps.class.getClassLoader(), new Class<?>[] {DeviceOps.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "chainsGreedy" -> { return true; }
                case "queueChained" -> {
                    queued.add(corrupt != null ? corrupt : cpu.argmax((DeviceOps.Act) args[0]).index());
                    return null;
                }
                case "takeChained" -> { return queued.remove(); }
                default -> {
                    try {
                        return m.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        });
    }

    private static ModelRun open(GgufFile f, ArrayDeque<Integer> queued, Integer corrupt) {
        var arch = Architectures.forName(f.architecture());
        ModelSpec s = arch.readSpec(f.metadata(), 512).withTiedOutput(false);
        DeviceOps dev = chaining(new CpuDeviceOps("cpu:0", 1), queued, corrupt);
        return new ModelRun(f, arch.buildGraph(s), Layout.single(s), List.of(dev), 128, 64, ReduceType.F32, QuantType.F32);
    }

    @Test
    void chainedStepsGiveTheGoldenIdsAcrossAStop() throws Exception {
        Golden golden = Golden.of("stories260K.gguf");
        ArrayDeque<Integer> queued = new ArrayDeque<>();
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf")); ModelRun run = open(f, queued, null)) {
            int[] ids = ExecutorTpSmokeTest.greedyChained(run, golden.promptIds(), 32);
            assertArrayEquals(java.util.Arrays.copyOf(golden.greedyIds(), 32), ids);
            assertTrue(queued.isEmpty(), "every winner launched ahead was read: " + queued);
            assertEquals(run.splits().size(), run.lastTimings().size(), "timings of the last chained step");
        }
    }

    /** Generation over chained steps equals the step-by-step loop: ids, text, stop reason and the next position. */
    @Test
    void generationEndsAlikeChainedOrNot() throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"));
             ModelRun chained = open(f, new ArrayDeque<>(), null); ModelRun plain = openPlain(f)) {
            Tokenizer tok = Tokenizers.fromMetadata(f.metadata());
            List<GenerateParams> cases = List.of(GenerateParams.greedy(20), GenerateParams.greedy(1), GenerateParams.greedy(0),
                    new GenerateParams(64, SamplerConfig.greedy(), List.of("Lily"), true, false));
            for (GenerateParams p : cases) {
                GenerationResult a = new Generation(chained, tok).run("Once upon a time", 0, p, TokenListener.NONE);
                GenerationResult b = new Generation(plain, tok).run("Once upon a time", 0, p, TokenListener.NONE);
                assertArrayEquals(b.generatedIds(), a.generatedIds(), "ids, " + p);
                assertEquals(b.text(), a.text(), "text, " + p);
                assertEquals(b.stopReason(), a.stopReason(), "stop reason, " + p);
                assertEquals(b.endPosition(), a.endPosition(), "next position, " + p);
                // the conversation goes on from there: the step launched ahead of the stop left nothing behind
                GenerationResult a2 = new Generation(chained, tok).run(" They", a.endPosition(), GenerateParams.greedy(12), TokenListener.NONE);
                GenerationResult b2 = new Generation(plain, tok).run(" They", b.endPosition(), GenerateParams.greedy(12), TokenListener.NONE);
                assertArrayEquals(b2.generatedIds(), a2.generatedIds(), "the next turn, " + p);
            }
        }
    }

    private static ModelRun openPlain(GgufFile f) {
        var arch = Architectures.forName(f.architecture());
        ModelSpec s = arch.readSpec(f.metadata(), 512).withTiedOutput(false);
        return new ModelRun(f, arch.buildGraph(s), Layout.single(s), List.of(new CpuDeviceOps("cpu:0", 1)), 128, 64, ReduceType.F32, QuantType.F32);
    }

    @Test
    void aWinnerOutsideTheVocabularyFailsAndTheRunGoesOn() throws Exception {
        Golden golden = Golden.of("stories260K.gguf");
        ArrayDeque<Integer> queued = new ArrayDeque<>();
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf")); ModelRun run = open(f, queued, Integer.MAX_VALUE)) {
            int first = run.forwardGreedy(golden.promptIds(), 0);
            var e = assertThrows(IllegalStateException.class, () -> run.greedyRun(first, golden.promptIds().length, 8, id -> true));
            assertTrue(e.getMessage().contains("found no winner"), e.getMessage());
            assertTrue(queued.isEmpty(), "the winners launched ahead were drained: " + queued);
            assertEquals(golden.greedyIds()[1], run.forwardGreedy(new int[] {first}, golden.promptIds().length), "the next step still works");
        }
    }
}
