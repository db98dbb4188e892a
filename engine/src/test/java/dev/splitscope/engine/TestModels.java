package dev.splitscope.engine;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test models: {@code SPLITSCOPE_TEST_MODELS}, else the {@code splitscope.testModels} system
 * property (set by surefire to ../shared/models). Tests that need them are skipped, with a message, when absent.
 */
public final class TestModels {
    private TestModels() {}

    public static Path dir() {
        String env = System.getenv("SPLITSCOPE_TEST_MODELS");
        String prop = System.getProperty("splitscope.testModels", "../shared/models");
        Path p = Path.of(env != null && !env.isBlank() ? env : prop).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(p),
                "SKIPPED: shared test models not found at " + p + " (set SPLITSCOPE_TEST_MODELS)");
        return p;
    }

    /** A file under the models dir, e.g. {@code "derived/stories260K-Q8_0.gguf"}; skips when missing. */
    public static Path file(String relative) {
        Path p = dir().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), "SKIPPED: test model " + p + " is missing");
        return p;
    }
}
