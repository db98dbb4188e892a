package dev.splitscope.engine.gguf;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.model.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufReaderSmokeTest {
    @Test
    void readsStories260K() throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"))) {
            assertEquals("llama", f.architecture());
            assertEquals(48, f.tensors().size());
            ModelSpec s = ModelSpec.fromMetadata(f.metadata(), f.metadata().getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(5, s.nLayer());
            assertEquals(8, s.nHead());
            assertEquals(4, s.nHeadKv());
            assertEquals(172, s.nFf());
            assertEquals(512, s.nVocab());
            assertTrue(f.tensorData("token_embd.weight").byteSize() == 64L * 512 * 4);
        }
    }
}
