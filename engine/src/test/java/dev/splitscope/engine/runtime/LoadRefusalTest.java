package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.plan.SplitMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad loads fail with a message that says what and where, before anything is allocated, and leave nothing mapped. */
class LoadRefusalTest {
    private static long mappings(Path file) throws Exception {
        String name = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    }

    @Test
    void aPlanThatDoesNotFitIsRefusedBeforeAllocation() throws Exception {
        Path model = TestModels.file("stories260K.gguf");
        LoadOptions tooSmall = LoadOptions.defaults().on("cpu:2@256KiB", SplitMode.GRAPH);
        PlanRefusedException e = assertThrows(PlanRefusedException.class, () -> LoadedModel.load(model, tooSmall, LoadProgress.NONE));
        assertTrue(e.getMessage().contains("nothing was allocated"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("fit"), e.getMessage());
        assertTrue(e.plan().memory().stream().anyMatch(m -> !m.fits()));
        if (Files.exists(Path.of("/proc/self/maps"))) assertTrue(mappings(model) == 0, "the refused model is still mapped");
    }

    @Test
    void hypotheticalDevicesArePlannedNotLoaded() {
        Path model = TestModels.file("stories260K.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadedModel.load(model, LoadOptions.defaults().on("2x80GiB", SplitMode.GRAPH), LoadProgress.NONE));
        assertTrue(e.getMessage().contains("hypothetical"), e.getMessage());
    }

    @Test
    void aMissingOrCorruptFileNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, new byte[]{'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        Exception e = assertThrows(Exception.class, () -> LoadedModel.load(bad, LoadOptions.defaults(), LoadProgress.NONE));
        assertTrue(e.getMessage().contains("bad.gguf"), e.getMessage());
        Exception missing = assertThrows(Exception.class, () -> LoadedModel.load(dir.resolve("nope.gguf"), LoadOptions.defaults(), LoadProgress.NONE));
        assertTrue(missing.getMessage().contains("nope.gguf"), missing.getMessage());
    }

    @Test
    void aVocabularyOnlyGgufIsRefusedBeforeAllocation() throws Exception {
        Path vocab = TestModels.file("vocab/ggml-vocab-llama-spm.gguf");
        PlanRefusedException e = assertThrows(PlanRefusedException.class,
                () -> LoadedModel.load(vocab, LoadOptions.defaults(), LoadProgress.NONE));
        assertTrue(e.getMessage().contains("vocabulary-only"), e.getMessage());
        assertTrue(e.plan().errors().stream().anyMatch(i -> i.code().equals(dev.splitscope.engine.plan.PlanIssue.MISSING_TENSOR)));
    }

    @Test
    void aReducePathTheDevicesCannotTakeIsRefusedAndTheModelStaysUsable() throws Exception {
        Path model = TestModels.file("stories260K.gguf");
        LoadOptions cpu2 = LoadOptions.defaults().on("cpu:2", SplitMode.GRAPH);
        for (ReducePath p : new ReducePath[] {ReducePath.NCCL, ReducePath.PEER}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoadedModel.load(model, cpu2.withReducePath(p), LoadProgress.NONE));
            assertTrue(e.getMessage().contains(p.label() + " reduce path"), e.getMessage());
        }
        if (Files.exists(Path.of("/proc/self/maps"))) assertTrue(mappings(model) == 0, "the refused model is still mapped");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ReducePath.parse("ring"));
        assertTrue(bad.getMessage().contains("auto, host, peer or nccl"), bad.getMessage());
        try (LoadedModel m = LoadedModel.load(model, cpu2.withReducePath(ReducePath.HOST), LoadProgress.NONE)) {
            assertTrue(m.run().reducePath().startsWith("host"), m.run().reducePath());
        }
        try (LoadedModel m = LoadedModel.load(model, cpu2, LoadProgress.NONE)) {
            assertTrue(m.run().reducePath().startsWith("host"), "CPU devices reduce on the host: " + m.run().reducePath());
        }
    }
}
