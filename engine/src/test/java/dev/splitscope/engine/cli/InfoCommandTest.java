package dev.splitscope.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {
    @TempDir
    Path tmp;

    record Result(int rc, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(rc, out.toString(), err.toString());
    }

    @Test
    void textShowsStories260K() {
        Result r = run("info", TestModels.file("stories260K.gguf").toString());
        assertEquals(0, r.rc(), r.err());
        String o = r.out();
        assertTrue(o.contains("architecture   llama"), o);
        assertTrue(o.lines().anyMatch(l -> l.matches(" +layers +5")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches(" +heads +8")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches(" +kv_heads +4")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches(" +vocab_size +512")), o);
        assertTrue(o.contains("tensors (48;"), o);
        assertEquals(48, o.lines().filter(l -> l.matches(" +(token_embd|output|output_norm|blk\\.\\d+\\.\\w+)\\.weight +F32 .*")).count(), o);
        assertTrue(o.lines().anyMatch(l -> l.matches(" +F32 +48 tensors +292,800 elements +1,171,200 bytes .*")), o);
    }

    @Test
    void jsonHasTheSameContent() throws Exception {
        Result r = run("info", "--json", TestModels.file("stories260K.gguf").toString());
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("llama", j.get("architecture").asText());
        assertEquals(5, j.get("hyperparameters").get("layers").asInt());
        assertEquals(8, j.get("hyperparameters").get("heads").asInt());
        assertEquals(4, j.get("hyperparameters").get("kv_heads").asInt());
        assertEquals(172, j.get("hyperparameters").get("ffn").asInt());
        assertEquals(512, j.get("tokenizer").get("vocab_size").asInt());
        assertEquals(1, j.get("tokenizer").get("bos_id").asInt());
        assertEquals(2, j.get("tokenizer").get("eos_id").asInt());
        assertEquals(48, j.get("tensors").size());
        JsonNode embd = j.get("tensors").get(0);
        assertEquals("token_embd.weight", embd.get("name").asText());
        assertEquals(64, embd.get("shape").get(0).asInt());
        assertEquals(512, embd.get("shape").get(1).asInt());
        assertEquals(j.get("dataOffset").asLong(), embd.get("offset").asLong());
        assertEquals(1_171_200, j.get("totals").get(0).get("bytes").asLong());
    }

    @Test
    void quantizedMoeAndVocabOnlyFilesAreShown() {
        Result q = run("info", TestModels.file("derived/stories260K-Q8_0.gguf").toString());
        assertEquals(0, q.rc(), q.err());
        assertTrue(q.out().lines().anyMatch(l -> l.matches(" +Q8_0 +32 tensors .*")), q.out());
        Result moe = run("info", TestModels.file("derived/stories260K-moe4-identical-top2.gguf").toString());
        assertTrue(moe.out().lines().anyMatch(l -> l.matches(" +experts_used +2")), moe.out());
        Result bert = run("info", "--json", TestModels.file("vocab/ggml-vocab-bert-bge.gguf").toString());
        assertEquals(0, bert.rc(), bert.err());
        assertTrue(bert.out().contains("\"block_count\" : 12") && bert.out().contains("\"hyperparameterSource\" : \"metadata\""), bert.out());
    }

    @Test
    void unknownArchitectureShowsItsOwnKeys() throws Exception {
        Path f = tmp.resolve("foo.gguf");
        new dev.splitscope.engine.gguf.GgufWriter().putString("general.architecture", "foo").putU32("foo.block_count", 3)
                .putU64("foo.big", -1L).putF32s("foo.scales", 1f, 2f)
                .addTensor("w", dev.splitscope.engine.quant.QuantType.Q4_K, new long[] {256, 2}, new byte[288]).write(f);
        Result r = run("info", f.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("(from the file's foo.* keys)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +big +18446744073709551615")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +scales +\\[2 x FLOAT32]")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +w +Q4_K +256 x 2 +288 .*")), r.out());
        assertTrue(r.out().contains("  (none)"), "no tokenizer: " + r.out());
        Result j = run("info", "--json", f.toString());
        assertTrue(j.out().contains("\"big\" : 18446744073709551615"), j.out());
    }

    private static void assertOneLineError(Result r, String fragment) {
        assertEquals(Main.EXIT_BAD_INPUT, r.rc(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
    }

    @Test
    void badInputsExitTwoWithOneLine() throws Exception {
        byte[] all = Files.readAllBytes(TestModels.file("stories260K.gguf"));
        Path cut = Files.write(tmp.resolve("cut.gguf"), Arrays.copyOf(all, 5000));
        assertOneLineError(run("info", cut.toString()), cut + " @ byte ");
        Path text = Files.writeString(tmp.resolve("notes.gguf"), "hello, not a model");
        assertOneLineError(run("info", text.toString()), "bad magic");
        assertOneLineError(run("info", tmp.resolve("missing.gguf").toString()), "no such file: " + tmp.resolve("missing.gguf"));
        assertOneLineError(run("info", tmp.toString()), "is a directory");
        assertOneLineError(run("info"), "MODEL.gguf");
        assertOneLineError(run("nonsense"), "nonsense");
        assertOneLineError(run(), "subcommand is required");
        assertOneLineError(run("info", "--frob", cut.toString()), "--frob");
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.gguf"), "hello, not a model");
        Result r = run("--debug", "info", text.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.rc());
        assertTrue(r.err().contains("\tat ") && r.err().contains("GgufFormatException"), r.err());
        Result after = run("info", text.toString(), "--debug");
        assertTrue(after.err().contains("\tat "), after.err());
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.rc());
        assertTrue(v.out().startsWith("splitscope ") && v.out().contains("Java"), v.out());
        Result h = run("--help");
        assertEquals(0, h.rc());
        assertTrue(h.out().contains("info") && h.out().contains("synth") && h.out().contains("--debug"), h.out());
    }
}
