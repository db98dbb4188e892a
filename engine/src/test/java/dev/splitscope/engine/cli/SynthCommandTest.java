package dev.splitscope.engine.cli;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to {@code synth} exits non-zero with one clear line and no stack trace (the success path: SyntheticPresetTest). */
class SynthCommandTest {
    @TempDir
    Path tmp;

    private String fails(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "synth";
        System.arraycopy(args, 0, full, 1, args.length);
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), full);
        assertEquals(Main.EXIT_BAD_INPUT, rc, err.toString());
        String e = err.toString();
        assertFalse(e.contains("\tat ") || e.contains("Exception"), "no stack trace expected: " + e);
        return e;
    }

    @Test
    void writesTheSmallStoriesPresetWithItsVocab() throws Exception {
        Path f = tmp.resolve("s.gguf");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), "synth", "--preset", "stories-260k", "--type", "f32", "-o", f.toString(), "--seed", "5",
                        "--vocab", TestModels.file("stories260K.gguf").toString(), "--threads", "1");
        assertEquals(0, rc, err.toString());
        assertTrue(out.toString().startsWith("wrote " + f), out.toString());
        try (GgufFile g = GgufFile.openHeader(f); GgufFile real = GgufFile.openHeader(TestModels.file("stories260K.gguf"))) {
            assertEquals(Preset.STORIES_260K.spec, ModelSpec.fromMetadata(g.metadata(), 0).withTiedOutput(false));
            assertEquals(real.tensors().size(), g.tensors().size());
            for (GgufTensorInfo t : real.tensors()) assertArrayEquals(t.dims(), g.tensor(t.name()).dims(), t.name());
            assertEquals("llama", g.metadata().getString("tokenizer.ggml.model"));
            assertArrayEquals(real.metadata().getStringArray("tokenizer.ggml.tokens"), g.metadata().getStringArray("tokenizer.ggml.tokens"));
        }
    }

    @Test
    void helpListsThePresets() {
        StringWriter out = new StringWriter();
        Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "synth", "--help");
        assertTrue(out.toString().contains("llama3-70b") && out.toString().contains("mixtral-8x7b"), out.toString());
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        String e = fails("--preset", "llama-9t", "-o", tmp.resolve("x.gguf").toString());
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(e.startsWith("splitscope synth: "), e);
        assertTrue(e.contains("llama-9t") && e.contains("qwen3-30b-a3b"), e);
    }

    @Test
    void typesThatCannotBeWrittenAreNamed() {
        String e = fails("--preset", "llama-3.2-1b", "--type", "Q5_K", "-o", tmp.resolve("x.gguf").toString());
        assertTrue(e.contains("Q5_K") && e.contains("Q6_K"), e);
        e = fails("--preset", "llama-3.2-1b", "--type", "Q9", "-o", tmp.resolve("x.gguf").toString());
        assertTrue(e.contains("Q9"), e);
    }

    @Test
    void missingVocabOrDirectoryIsReported() throws Exception {
        String e = fails("--preset", "qwen3-0.6b", "--vocab", tmp.resolve("none.gguf").toString(), "-o", tmp.resolve("x.gguf").toString());
        assertTrue(e.contains("none.gguf"), e);
        Path notGguf = Files.writeString(tmp.resolve("bad.gguf"), "not a gguf file at all");
        e = fails("--preset", "qwen3-0.6b", "--vocab", notGguf.toString(), "-o", tmp.resolve("x.gguf").toString());
        assertTrue(e.contains("bad.gguf"), e);
        e = fails("--preset", "qwen3-0.6b", "-o", tmp.resolve("no/such/dir/x.gguf").toString());
        assertTrue(e.contains("does not exist"), e);
        assertFalse(Files.exists(tmp.resolve("x.gguf")));
    }
}
