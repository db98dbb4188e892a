package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Seed inputs for the GGUF fuzzers: small synthetic files made with {@link GgufWriter} (committed under the fuzz
 * test's Inputs resources) and header prefixes of the shared models (made at run time; models are never committed).
 * {@code main(dir)} rewrites the synthetic seeds into {@code dir}.
 */
final class GgufFuzzSeeds {
    /** Largest seed: libFuzzer's max_len follows the largest corpus entry, and shorter inputs fuzz faster. */
    static final int MAX_SEED = 16 << 10;

    private GgufFuzzSeeds() {}

    static Map<String, byte[]> synthetic() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        GgufWriter every = GgufWriterTest.everyMetadataType(new GgufWriter());
        for (QuantType t : QuantType.values()) every.addTensor("w." + t, t, new long[] {t.blockSize}, new byte[t.blockBytes]);
        seeds.put("every-type", GgufFuzzSeedsBytes.of(every));
        seeds.put("v2-align64", GgufFuzzSeedsBytes.of(new GgufWriter().version(2).alignment(64).putString("general.architecture", "llama")
                .addTensor("a", QuantType.F32, new long[] {3}, new byte[12])
                .addTensor("b", QuantType.F16, new long[] {2, 2, 2, 2}, new byte[32])));
        seeds.put("vocab-only", GgufFuzzSeedsBytes.of(new GgufWriter().putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "▁a", "b")
                .putF32s("tokenizer.ggml.scores", 0, 0, 0, -1, -2).putI32s("tokenizer.ggml.token_type", 2, 3, 3, 1, 1)
                .putU32("tokenizer.ggml.bos_token_id", 1)));
        seeds.put("mini-llama", GgufFuzzSeedsBytes.of(miniLlama()));
        seeds.put("empty", GgufFuzzSeedsBytes.of(new GgufWriter()));
        return seeds;
    }

    private static GgufWriter miniLlama() {
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama").putString("general.name", "mini")
                .putU32("llama.block_count", 1).putU32("llama.embedding_length", 8).putU32("llama.feed_forward_length", 16)
                .putU32("llama.attention.head_count", 2).putU32("llama.attention.head_count_kv", 1)
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f).putU32("llama.context_length", 64)
                .putStrings("tokenizer.ggml.tokens", "a", "b", "c", "d");
        w.addTensor("token_embd.weight", QuantType.F32, new long[] {8, 4}, new byte[128]);
        w.addTensor("blk.0.attn_q.weight", QuantType.Q8_0, new long[] {32, 8}, new byte[8 * 34]);
        w.addTensor("blk.0.ffn_down.weight", QuantType.Q4_K, new long[] {256, 1}, new byte[144]);
        w.addTensor("output_norm.weight", QuantType.F32, new long[] {8}, new byte[32]);
        return w;
    }

    /** The header (metadata + tensor directory, at most {@link #MAX_SEED} bytes) of every shared .gguf. */
    static Map<String, byte[]> sharedHeaders(Path modelsDir) throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Path f : GgufSharedFilesTest.ggufFiles(modelsDir)) {
            long dataOffset;
            try (GgufFile g = GgufFile.openHeader(f)) {
                dataOffset = g.dataOffset();
            }
            byte[] all = Files.readAllBytes(f);
            seeds.put("shared-" + f.getFileName(), Arrays.copyOf(all, (int) Math.min(MAX_SEED, Math.min(all.length, dataOffset))));
        }
        return seeds;
    }

    static void writeAll(Map<String, byte[]> seeds, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) Files.delete(p);
        } catch (java.nio.file.NoSuchFileException ignored) {
            // first run
        }
        writeAll(synthetic(), dir);
    }
}
