package dev.splitscope.engine.tokenizer;

import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A few hundred KB of mixed text encode in well under a second per vocabulary and come back unchanged. */
class LongTextTest {

    @Test
    void longMixedTextRoundTripsQuickly() throws Exception {
        String base = Files.readString(TestModels.file("SOURCES.md"))
                + Files.readString(TestModels.file("vocab/ggml-vocab-llama-spm.gguf.inp"));
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 300_000) sb.append(base).append(sb.length());
        String text = sb.toString();
        for (String vocab : new String[] {"vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-llama3-bpe-rebuilt.gguf",
                "vocab/ggml-vocab-qwen2-rebuilt.gguf", "vocab/ggml-vocab-deepseek-llm.gguf"}) {
            Tokenizer tok = VocabVectors.cached(vocab);
            long t0 = System.nanoTime();
            int[] ids = tok.encode(text, false, false);
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf("%s: %d chars -> %d tokens in %.0f ms (%.2f MB/s)%n", vocab, text.length(), ids.length, ms,
                    text.length() / (ms * 1e3));
            assertEquals(text, tok.decode(ids), vocab);
            assertTrue(ids.length > text.length() / 6 && ids.length < text.length(), vocab + ": " + ids.length + " tokens");
            // generous bound for a loaded 2-core CI machine; typical is 100-300 ms
            assertTrue(ms < 10_000, vocab + " took " + ms + " ms");
        }
    }
}
