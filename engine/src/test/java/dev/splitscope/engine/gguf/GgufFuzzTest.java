package dev.splitscope.engine.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the GGUF header parser with Jazzer. In a normal build this runs in regression mode:
 * every committed seed under {@code GgufFuzzTestInputs/fuzzHeader} is replayed. With {@code JAZZER_FUZZ=1} it fuzzes
 * for {@code maxDuration}, from those seeds plus the headers of the shared models (see docs/FUZZING.md).
 */
class GgufFuzzTest {
    static {
        // Instrument (coverage + hooks) only the parser, so other tests in this JVM run untouched; an explicit
        // -Djazzer.instrument=... or JAZZER_INSTRUMENT still wins.
        if (System.getProperty("jazzer.instrument") == null && System.getenv("JAZZER_INSTRUMENT") == null)
            System.setProperty("jazzer.instrument", "dev.splitscope.engine.gguf.**");
    }

    @BeforeAll
    static void seedFromSharedModels() throws IOException {
        if (System.getenv("JAZZER_FUZZ") == null) return;
        Path models = Path.of(System.getenv().getOrDefault("SPLITSCOPE_TEST_MODELS",
                System.getProperty("splitscope.testModels", "../shared/models")));
        if (!Files.isDirectory(models)) return;
        // Jazzer's generated corpus for this test; the fuzzer reads it at start and adds what it finds
        Path corpus = Path.of(".cifuzz-corpus", GgufFuzzTest.class.getName(), "fuzzHeader");
        GgufFuzzSeeds.writeAll(GgufFuzzSeeds.sharedHeaders(models), corpus);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzHeader(byte[] data) {
        GgufFuzzTarget.check(data);
    }
}
