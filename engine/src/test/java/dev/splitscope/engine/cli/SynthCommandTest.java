package dev.splitscope.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to {@code synth} exits non-zero with one clear line and no stack trace (the success path: SyntheticPresetTest). */
class SynthCommandTest {
    @TempDir
    Path tmp;

    private String fails(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new SynthCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertNotEquals(0, rc);
        String e = err.toString();
        assertFalse(e.contains("\tat ") || e.contains("Exception"), "no stack trace expected: " + e);
        return e;
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        String e = fails("--preset", "llama-9t", "-o", tmp.resolve("x.gguf").toString());
        assertEquals(1, e.strip().lines().count(), e);
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
