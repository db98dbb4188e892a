package dev.splitscope.engine.tokenizer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama.cpp's test-tokenizer-0 vectors: every string must give exactly the recorded ids (no specials added or parsed). */
class VocabVectorsTest {

    @TestFactory
    List<DynamicTest> everyVectorPasses() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path gguf : VocabVectors.filesWithVectors()) {
            tests.add(DynamicTest.dynamicTest(gguf.getFileName().toString(), () -> checkFile(gguf)));
        }
        return tests;
    }

    private static void checkFile(Path gguf) throws IOException {
        long t0 = System.nanoTime();
        Tokenizer tok = VocabVectors.cached(gguf);
        long t1 = System.nanoTime();
        List<VocabVectors.Case> cases = VocabVectors.cases(gguf);
        StringBuilder failures = new StringBuilder();
        int passed = 0;
        for (VocabVectors.Case c : cases) {
            int[] got = tok.encode(c.text(), false, false);
            if (Arrays.equals(got, c.expected())) passed++;
            else failures.append("\n  ").append(quote(c.text())).append("\n    expected ").append(Arrays.toString(c.expected()))
                    .append("\n    got      ").append(Arrays.toString(got));
        }
        System.out.printf("%s: %d/%d passed (load %.0f ms, encode %.0f ms)%n", gguf.getFileName(), passed, cases.size(),
                (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        assertTrue(failures.isEmpty(), gguf.getFileName() + ": " + (cases.size() - passed) + " of " + cases.size() + " failed" + failures);
    }

    @Test
    void vectorFilesAreAllThere() throws IOException {
        // 12 vocabularies in shared/models/vocab carry vectors (see SOURCES.md); a missing one would skip silently
        assertEquals(12, VocabVectors.filesWithVectors().size(), "vocabularies with .inp/.out");
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '\n') sb.append("\\n");
            else if (ch == '\t') sb.append("\\t");
            else if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
            else sb.append(ch);
        }
        return sb.append('"').toString();
    }
}
