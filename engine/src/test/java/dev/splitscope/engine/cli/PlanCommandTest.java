package dev.splitscope.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanCommandTest {
    private record Result(int rc, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "plan";
        System.arraycopy(args, 0, all, 1, args.length);
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), all);
        return new Result(rc, out.toString(), err.toString());
    }

    @Test
    void presetAsTextTables() {
        long t0 = System.nanoTime();
        Result r = run("--preset", "llama3-70b", "--devices", "4x80GiB", "--split", "graph", "--reduce", "f16", "--ctx", "8192");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.rc(), r.err());
        for (String table : new String[]{"devices\n", "shards (graph mode", "placement", "kv (f16", "comm (per step", "issues\n", "verdict: OK"})
            assertTrue(r.out().contains(table), "missing " + table + " in\n" + r.out());
        assertTrue(r.out().contains("blk.0.attn_output.weight") && r.out().contains("Partial(0)"), r.out());
        assertTrue(r.out().contains("80.0 KiB"), "KV bytes per token per device:\n" + r.out());
        assertFalse(r.out().contains("blk.1."), "only layer 0 unless --all-layers");
        assertTrue(ms < 3000, "plan took " + ms + " ms");
    }

    @Test
    void ggufHeaderAsJson() throws Exception {
        String file = TestModels.file("stories260K.gguf").toString();
        Result r = run(file, "--devices", "cpu:2@1GiB", "--split", "layer", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode plan = new ObjectMapper().readTree(r.out());
        assertEquals(48, plan.get("placements").size());
        assertEquals("LAYER", plan.get("options").get("mode").asText());
        assertEquals(1, plan.get("layerDevice").get(4).asInt());
        assertEquals("Replicate", plan.get("placements").get(0).get("sharding").asText());
        assertEquals(2, plan.get("memory").size());
    }

    @Test
    void typeIsForPresetsOnly() {
        Result r = run(TestModels.file("stories260K.gguf").toString(), "--type", "Q8_0", "--devices", "cpu:2");
        assertEquals(Main.EXIT_BAD_INPUT, r.rc());
        assertTrue(r.err().contains("--type applies to --preset only"), r.err());
        Result noDevices = run("--preset", "llama3-70b");
        assertEquals(Main.EXIT_BAD_INPUT, noDevices.rc());
        assertTrue(noDevices.err().contains("--devices"), noDevices.err());
    }

    @Test
    void notFittingExitsOne() {
        Result r = run("--preset", "llama3-70b", "--type", "F32", "--devices", "2x80GiB");
        assertEquals(Main.EXIT_FAILURE, r.rc());
        assertTrue(r.out().contains("DOES_NOT_FIT") && r.out().contains("verdict: NOT OK"), r.out());
    }

    @Test
    void badInputIsOneLineOnStderr() {
        for (String[] args : new String[][]{
                {"--preset", "llama3-70b", "--devices", "4xfoo"},
                {"--preset", "nope", "--devices", "2x80GiB"},
                {"--devices", "2x80GiB"},
                {"no-such.gguf", "--devices", "2x80GiB"},
                {"--preset", "llama3-70b", "--devices", "2x80GiB", "--tensor-split", "a,b"},
                {"--preset", "llama3-70b", "--devices", "2x80GiB", "--tensor-split", "1,1,1"},
                {"--preset", "llama3-70b", "--devices", "2x80GiB", "--reduce", "q4_0"},
                {"--preset", "llama3-70b", "--devices", "2x80GiB", "--split", "diagonal"},
                {"--preset", "llama3-70b", "--devices", "2x80GiB", "--ctx", "0"}}) {
            Result r = run(args);
            assertEquals(Main.EXIT_BAD_INPUT, r.rc(), String.join(" ", args));
            assertTrue(r.err().startsWith("splitscope plan: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
