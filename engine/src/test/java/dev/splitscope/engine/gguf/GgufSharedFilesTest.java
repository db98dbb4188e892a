package dev.splitscope.engine.gguf;

import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every .gguf in the shared models folder, derived/ and vocab/ reads without error, mapped and header-only. */
class GgufSharedFilesTest {
    static List<Path> ggufFiles(Path modelsDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(modelsDir, modelsDir.resolve("derived"), modelsDir.resolve("vocab"))) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".gguf")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void everySharedGgufReads() throws Exception {
        List<Path> files = ggufFiles(TestModels.dir());
        assertTrue(files.size() >= 20, "expected the shared models and vocabularies, found " + files);
        for (Path f : files) {
            try (GgufFile h = GgufFile.openHeader(f); GgufFile m = GgufFile.open(f)) {
                assertFalse(h.isMapped(), f.toString());
                assertTrue(m.isMapped(), f.toString());
                assertEquals(h.metadata().asMap(), m.metadata().asMap(), f.toString());
                assertEquals(h.tensors(), m.tensors(), f.toString());
                assertTrue(m.metadata().has("general.architecture"), f + " has no general.architecture");
                long total = 0;
                for (GgufTensorInfo t : m.tensors()) total += m.tensorData(t).byteSize();
                assertTrue(m.dataOffset() + total <= m.fileSize(), f.toString());
                if (f.getParent().getFileName().toString().equals("vocab")) {
                    assertEquals(0, m.tensors().size(), f + " is a vocab-only file");
                    assertTrue(m.metadata().getStringArray("tokenizer.ggml.tokens").length > 1000, f.toString());
                }
            }
        }
    }
}
