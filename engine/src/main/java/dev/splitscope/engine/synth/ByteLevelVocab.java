package dev.splitscope.engine.synth;

import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.gguf.GgufValueType;

import java.util.Map;

/**
 * The vocabulary a synthetic model gets when no vocab GGUF is given: byte-level BPE ({@code tokenizer.ggml.model =
 * gpt2}, pre-tokenizer {@code default}) with the 256 byte tokens in GPT-2's byte-to-unicode form and no merges.
 * <p>
 * Why this one: with no merges every UTF-8 text still encodes losslessly, one token per byte, so prompts work with
 * any preset and no tokenizer file; and it is tiny to describe. Two control tokens (bos, eos) follow the bytes, then
 * unused padding tokens fill the vocabulary up to the preset's size, so that token_embd and output keep the real
 * model's shapes (and thus its memory and planning numbers).
 */
public final class ByteLevelVocab {
    public static final int BOS = 256;
    public static final int EOS = 257;
    private static final int TYPE_NORMAL = 1, TYPE_CONTROL = 3, TYPE_UNUSED = 5;

    private ByteLevelVocab() {}

    /**
     * GPT-2's reversible byte-to-unicode map: printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
     * themselves, every other byte b is the code point 256 + (its rank among those other bytes).
     */
    public static String byteToken(int b) {
        if (b < 0 || b > 255) throw new IllegalArgumentException("not a byte: " + b);
        if (printable(b)) return String.valueOf((char) b);
        int rank = 0;
        for (int i = 0; i < b; i++) if (!printable(i)) rank++;
        return String.valueOf((char) (256 + rank));
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    }

    /** Puts every {@code tokenizer.ggml.*} key of a {@code vocabSize}-token byte-level vocabulary into {@code kv}. */
    public static void put(Map<String, GgufValue> kv, int vocabSize) {
        if (vocabSize < EOS + 1)
            throw new IllegalArgumentException("a byte-level vocabulary needs at least " + (EOS + 1) + " tokens, the model has " + vocabSize);
        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        for (int b = 0; b < 256; b++) {
            tokens[b] = byteToken(b);
            types[b] = TYPE_NORMAL;
        }
        tokens[BOS] = "<|begin_of_text|>";
        tokens[EOS] = "<|end_of_text|>";
        types[BOS] = types[EOS] = TYPE_CONTROL;
        for (int i = EOS + 1; i < vocabSize; i++) {
            tokens[i] = "<|pad_" + i + "|>";
            types[i] = TYPE_UNUSED;
        }
        kv.put("tokenizer.ggml.model", GgufValue.of(GgufValueType.STRING, "gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValue.of(GgufValueType.STRING, "default"));
        kv.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        kv.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        // llama.cpp requires the merges key for gpt2 vocabularies; an empty list means "bytes only"
        kv.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, new String[0]));
        kv.put("tokenizer.ggml.bos_token_id", GgufValue.of(GgufValueType.UINT32, (long) BOS));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.of(GgufValueType.UINT32, (long) EOS));
        kv.put("tokenizer.ggml.add_bos_token", GgufValue.of(GgufValueType.BOOL, true));
    }
}
