package dev.splitscope.engine.synth;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorRole;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small specs through the same code path as the presets: metadata round trip, directory, values, determinism. */
class SyntheticModelWriterTest {
    static final ModelSpec TINY_LLAMA = new ModelSpec("llama", "tiny-llama", 2, 256, 4, 2, 64, 512, 300, 1024,
            1e-5f, 500000f, 64, false, 0, 0, 0, false, false, false);
    static final ModelSpec TINY_QWEN3_MOE = new ModelSpec("qwen3moe", "tiny-moe", 2, 256, 4, 2, 64, 512, 300, 2048,
            1e-6f, 1000000f, 64, true, 4, 2, 256, false, true, false);
    static final ModelSpec TINY_QWEN3_TIED = new ModelSpec("qwen3", "tiny-qwen3", 1, 256, 4, 4, 32, 768, 270, 4096,
            1e-6f, 1000000f, 32, true, 0, 0, 0, false, true, true);

    @TempDir
    Path tmp;

    /** Writes, reads back and checks spec, directory and values; returns the file's bytes. */
    private byte[] roundTrip(ModelSpec spec, QuantType type, long seed, int threads) throws Exception {
        Path f = tmp.resolve(spec.name() + "-" + type + "-" + seed + "-" + threads + ".gguf");
        SyntheticModelWriter w = new SyntheticModelWriter(spec, type).seed(seed).threads(threads);
        long size = w.write(f);
        assertEquals(Files.size(f), size);
        try (GgufFile g = GgufFile.open(f)) {
            GgufMetadata m = g.metadata();
            ModelSpec back = ModelSpec.fromMetadata(m, m.getStringArray("tokenizer.ggml.tokens").length)
                    .withTiedOutput(!g.hasTensor("output.weight"));
            assertEquals(spec, back);
            assertEquals(spec.nVocab(), m.getStringArray("tokenizer.ggml.tokens").length);
            List<TensorDesc> want = w.tensors();
            assertEquals(want.size(), g.tensors().size());
            for (int i = 0; i < want.size(); i++) {
                TensorDesc d = want.get(i);
                GgufTensorInfo t = g.tensors().get(i);
                assertEquals(d.name(), t.name());
                assertEquals(d.type(), t.type(), d.name());
                assertArrayEquals(d.dims(), t.dims(), d.name());
                checkValues(d, QuantCodecs.dequantize(t.type(), g.tensorData(t), (int) t.elementCount()));
            }
            return Files.readAllBytes(f);
        }
    }

    private static void checkValues(TensorDesc d, float[] v) {
        if (d.role().isSmall()) {
            for (float x : v) assertEquals(d.role().isBias() ? 0f : 1f, x, d.name());
            return;
        }
        double sum = 0, sq = 0;
        for (float x : v) {
            assertTrue(Float.isFinite(x) && Math.abs(x) < 0.1f, d.name() + " value " + x);
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(0.0, mean, 0.002, d.name() + " mean");
        assertEquals(SyntheticModelWriter.WEIGHT_STD, std, 0.002, d.name() + " std");
    }

    @Test
    void llamaQ8_0RoundTripsAndIsDeterministic() throws Exception {
        byte[] a = roundTrip(TINY_LLAMA, QuantType.Q8_0, 7, 1);
        byte[] b = roundTrip(TINY_LLAMA, QuantType.Q8_0, 7, 3);
        assertArrayEquals(a, b, "the same seed must give the same file, whatever the thread count");
        assertFalse(Arrays.equals(a, roundTrip(TINY_LLAMA, QuantType.Q8_0, 8, 2)), "another seed must change the weights");
    }

    @Test
    void moeWithKQuantsRoundTrips() throws Exception {
        roundTrip(TINY_QWEN3_MOE, QuantType.Q4_K, 1, 2);
        roundTrip(TINY_QWEN3_MOE, QuantType.Q6_K, 1, 1);
    }

    @Test
    void tiedOutputAndOtherTypesRoundTrip() throws Exception {
        for (QuantType t : List.of(QuantType.Q4_0, QuantType.F16, QuantType.BF16, QuantType.F32))
            roundTrip(TINY_QWEN3_TIED, t, 3, 2);
    }

    @Test
    void byteLevelVocabularyIsGpt2Style() throws Exception {
        Path f = tmp.resolve("vocab.gguf");
        new SyntheticModelWriter(TINY_LLAMA, QuantType.Q8_0).write(f);
        try (GgufFile g = GgufFile.openHeader(f)) {
            GgufMetadata m = g.metadata();
            assertEquals("gpt2", m.getString("tokenizer.ggml.model"));
            assertEquals("default", m.getString("tokenizer.ggml.pre"));
            String[] tok = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals("A", tok['A']);
            assertEquals("\u0120", tok[' ']);  // GPT-2 shows a space as 'Ġ'
            assertEquals("\u010a", tok['\n']); // and a newline as 'Ċ'
            assertEquals("\u0100", tok[0]);
            assertEquals("\u00ff", tok[0xff]);
            assertEquals(300, Arrays.stream(tok).distinct().count());
            assertEquals(0, m.getStringArray("tokenizer.ggml.merges").length);
            assertEquals(ByteLevelVocab.BOS, m.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(ByteLevelVocab.EOS, m.getInt("tokenizer.ggml.eos_token_id"));
            assertEquals(7, m.getInt("general.file_type"));
        }
    }

    @Test
    void vocabIsCopiedFromAVocabFile() throws Exception {
        Path vocab = TestModels.file("vocab/ggml-vocab-llama-spm.gguf");
        Path f = tmp.resolve("spm.gguf");
        try (GgufFile v = GgufFile.openHeader(vocab)) {
            SyntheticModelWriter w = new SyntheticModelWriter(TINY_LLAMA, QuantType.Q8_0).vocab(v.metadata());
            assertEquals(32000, w.spec().nVocab());
            w.write(f);
            try (GgufFile g = GgufFile.openHeader(f)) {
                v.metadata().asMap().forEach((k, val) -> {
                    if (k.startsWith("tokenizer.")) assertEquals(val, g.metadata().get(k).orElseThrow(), k);
                });
                assertArrayEquals(new long[]{256, 32000}, g.tensor("token_embd.weight").dims());
                assertEquals(w.spec(), ModelSpec.fromMetadata(g.metadata(), 0).withTiedOutput(false));
            }
        }
    }

    @Test
    void everyPresetHasMetadataThatReadsBackToItsSpec() {
        for (Preset p : Preset.values()) {
            for (QuantType t : QuantCodecs.quantizable()) {
                SyntheticModelWriter w = new SyntheticModelWriter(p.spec, t);
                Map<String, GgufValue> kv = w.metadata(tmp.resolve(p.id + ".gguf")); // checks the round trip itself
                assertEquals(p.spec, ModelSpec.fromMetadata(new GgufMetadata(tmp, kv), 0)
                        .withTiedOutput(w.tensors().stream().noneMatch(d -> d.role() == TensorRole.OUTPUT)));
                assertEquals(p.spec.nVocab(), kv.get("tokenizer.ggml.tokens").length());
            }
        }
        long bytes70bQ4 = new SyntheticModelWriter(Preset.LLAMA3_70B.spec, QuantType.Q4_0).tensors().stream()
                .mapToLong(TensorDesc::byteSize).sum();
        assertEquals(39.5, bytes70bQ4 / 1e9, 1.0); // llama.cpp's Llama-3-70B Q4_0 is about 40 GB
    }

    @Test
    void refusesWhatItCannotWrite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticModelWriter(TINY_LLAMA, QuantType.Q5_K));
        assertTrue(e.getMessage().contains("Q5_K") && e.getMessage().contains("Q4_K"), e.getMessage());
        // llama metadata has no way to say "q/k norms", so such a spec would read back differently
        ModelSpec odd = new ModelSpec("llama", "odd", 1, 256, 4, 2, 64, 512, 300, 1024, 1e-5f, 1e4f, 64, false,
                0, 0, 0, false, true, false);
        e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticModelWriter(odd, QuantType.Q8_0).write(tmp.resolve("odd.gguf")));
        assertTrue(e.getMessage().contains("cannot be expressed"), e.getMessage());
    }
}
