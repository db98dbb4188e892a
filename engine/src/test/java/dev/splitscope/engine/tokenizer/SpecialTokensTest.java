package dev.splitscope.engine.tokenizer;

import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BOS/EOS/EOT from metadata, special-token parsing, add_special per model, and refusal of unknown models. */
class SpecialTokensTest {

    @Test
    void llama3SpecialsAndEndOfGeneration() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-llama3-bpe-rebuilt.gguf");
        assertEquals(128000, tok.bos());
        assertEquals(128001, tok.eos());
        assertEquals(128009, tok.eot());
        assertTrue(tok.isEog(128001) && tok.isEog(128009) && tok.isEog(128008), "eos, eot and <|eom_id|> end generation");
        assertFalse(tok.isEog(128000));
        String text = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        int[] ids = tok.encode(text, true, true);
        assertEquals(128000, ids[0], "add_bos_token = true");
        assertEquals(128006, ids[1]);
        assertEquals(128009, ids[ids.length - 1]);
        assertEquals(text, tok.decode(Arrays.copyOfRange(ids, 1, ids.length), true));
        int[] literal = tok.encode(text, false, false);
        assertTrue(Arrays.stream(literal).allMatch(id -> id < 128000), "without parse_special the markup is plain text");
        assertEquals(text, tok.decode(literal));
    }

    @Test
    void qwen2ChatMarkupAndNoBos() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-qwen2-rebuilt.gguf");
        assertEquals(151645, tok.eot());
        assertTrue(tok.isEog(151643) && tok.isEog(151645));
        int[] ids = tok.encode("<|im_start|>user\nhello<|im_end|>", true, true);
        assertEquals(151644, ids[0], "add_bos_token = false: no BOS");
        assertFalse(tok.addsBos());
        assertEquals(151645, ids[ids.length - 1]);
        assertEquals("user\nhello", tok.decode(ids));
    }

    @Test
    void userDefinedTokensAreAlwaysMatched() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-qwen2-rebuilt.gguf");
        int[] ids = tok.encode("a<tool_call>b", false, false);
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == 151657), Arrays.toString(ids));
        assertEquals("a<tool_call>b", tok.decode(ids));
    }

    @Test
    void wordPieceAddsClsAndSep() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-bert-bge.gguf");
        int[] ids = tok.encode("Hello, World!", true, false);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[ids.length - 1]);
        assertEquals("hello , world !", tok.decode(ids));
        assertEquals(100, tok.encode("\u2603\u2603", false, false)[0], "a word with no pieces becomes [UNK]");
    }

    @Test
    void bpeDefaultsWithoutMetadataFlags() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-gpt-2.gguf");
        assertEquals(50256, tok.bos());
        assertArrayEquals(tok.encode("Hello world", false, false), tok.encode("Hello world", true, false),
                "gpt-2 does not add BOS");
    }

    @Test
    void unknownModelAndPreTokenizerAreRefused() {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.of(GgufValueType.STRING, "rwkv"));
        kv.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, new String[] {"a", "b"}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.fromMetadata(new GgufMetadata(Path.of("x.gguf"), kv)));
        assertTrue(e.getMessage().contains("'rwkv'") && e.getMessage().contains("gpt2") && e.getMessage().contains("bert"), e.getMessage());

        kv.put("tokenizer.ggml.model", GgufValue.of(GgufValueType.STRING, "gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValue.of(GgufValueType.STRING, "no-such-pre"));
        kv.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, new String[] {"a b"}));
        e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromMetadata(new GgufMetadata(Path.of("x.gguf"), kv)));
        assertTrue(e.getMessage().contains("no-such-pre") && e.getMessage().contains("llama-bpe"), e.getMessage());
    }

    @Test
    void tinyInlineBpeVocabulary() {
        // a hand-made vocabulary: "a b" (rank 0) wins over "Ġ a" (rank 1), so " abc" ends as Ġ + abc
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.of(GgufValueType.STRING, "gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValue.of(GgufValueType.STRING, "gpt-2"));
        String[] tokens = {"a", "b", "c", "Ġ", "ab", "abc", "Ġa"};
        kv.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        kv.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, new String[] {"a b", "Ġ a", "ab c"}));
        Tokenizer tok = Tokenizers.fromMetadata(new GgufMetadata(Path.of("inline.gguf"), kv));
        assertArrayEquals(new int[] {5, 3, 5}, tok.encode("abc abc", false, false));
        assertArrayEquals(new int[] {6}, tok.encode(" a", false, false));
        assertEquals("abc abc", tok.decode(tok.encode("abc abc", false, false)));
        assertEquals(-1, tok.eot());
        assertThrows(IllegalArgumentException.class, () -> tok.token(7));
    }

    @Test
    void syntheticModelsByteLevelVocabulary() {
        // the vocabulary the synth writer gives synthetic models: 256 byte tokens, no merges
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        dev.splitscope.engine.synth.ByteLevelVocab.put(kv, 300);
        Tokenizer tok = Tokenizers.fromMetadata(new GgufMetadata(Path.of("synth.gguf"), kv));
        String text = "Grüße, 世界 🦙";
        int[] ids = tok.encode(text, true, false);
        assertEquals(dev.splitscope.engine.synth.ByteLevelVocab.BOS, ids[0]);
        assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1, ids.length, "one token per byte");
        assertEquals(text, tok.decode(ids));
        assertTrue(tok.isEog(dev.splitscope.engine.synth.ByteLevelVocab.EOS));
    }

    @Test
    void badSpecialIdsFallBackToDefaults() throws Exception {
        // stories260K stores seperator/padding ids as UINT32 -1
        Tokenizer tok = VocabVectors.cached("stories260K.gguf");
        assertEquals(512, tok.vocabSize());
        assertEquals(-1, tok.eot());
    }
}
