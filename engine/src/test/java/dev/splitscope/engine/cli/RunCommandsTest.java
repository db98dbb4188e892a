package dev.splitscope.engine.cli;

import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code generate} and {@code bench} through the CLI entry point, on two virtual CPU devices. */
class RunCommandsTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void generateStreamsTheStoryAndReportsSpeeds() {
        String model = TestModels.file("stories260K.gguf").toString();
        Run r = run("generate", "-m", model, "-p", "Once upon a time", "-n", "16", "--devices", "cpu:2", "--split", "graph", "--timings");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily"), r.out());
        assertTrue(r.err().contains("prompt: 5 tokens") && r.err().contains("generation: 16 tokens"), r.err());
        assertTrue(r.err().contains("split graph") && r.err().contains("compute_us"), r.err());
    }

    @Test
    void benchPrintsPpAndTg() {
        String model = TestModels.file("stories260K.gguf").toString();
        Run r = run("bench", "-m", model, "-p", "16", "-n", "8", "-r", "1", "--no-bandwidth", "--devices", "cpu:2", "--split", "layer");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pp16") && r.out().contains("tg8"), r.out());
    }

    @Test
    void planShowsTheSchedulersSplits() {
        Run g = run("plan", "--preset", "llama3-70b", "--devices", "4x80GiB", "--split", "graph");
        assertTrue(g.out().contains("inp_embd .. attn_out-0") && g.out().contains("attn_reduce-0 (32768)"), g.out());
        assertTrue(g.out().contains("l_out-79 .. result_output"), g.out());
        Run l = run("plan", TestModels.file("stories260K.gguf").toString(), "--devices", "cpu:3", "--split", "layer");
        assertTrue(l.out().contains("attn_norm-2 .. l_out-3") && l.out().contains("l_out-3 (256)"), l.out());
    }

    @Test
    void badRunOptionsExitWithOneLine() {
        String model = TestModels.file("stories260K.gguf").toString();
        Run r = run("generate", "-m", model, "-p", "x", "--split", "diagonal");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("diagonal") && r.err().strip().lines().count() == 1, r.err());
    }
}
