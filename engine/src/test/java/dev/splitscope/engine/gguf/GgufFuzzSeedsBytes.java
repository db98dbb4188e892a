package dev.splitscope.engine.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a {@link GgufWriter} to a temporary file and returns the bytes, for tests that patch them. */
final class GgufFuzzSeedsBytes {
    private GgufFuzzSeedsBytes() {}

    static byte[] of(GgufWriter w) throws IOException {
        Path f = Files.createTempFile("splitscope-seed", ".gguf");
        try {
            w.write(f);
            return Files.readAllBytes(f);
        } finally {
            Files.delete(f);
        }
    }
}
