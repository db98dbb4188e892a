package dev.splitscope.engine.tokenizer;

import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.gguf.GgufValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token table of a GGUF vocabulary: texts, scores, types, the text-to-id map and the special ids
 * read from {@code tokenizer.ggml.*}. Defaults for missing special ids come from the tokenizer model.
 */
final class Vocabulary {
    private static final List<String> EOT_NAMES = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<|end_of_text|>");
    private static final List<String> EOG_NAMES = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<｜end▁of▁sentence｜>");

    final String model;
    final String[] texts;
    final float[] scores;
    final byte[] types;
    final Map<String, Integer> ids;
    int bos, eos, eot = -1, eom = -1, unk, sep = -1, pad = -1;
    boolean addBos, addEos, addSpacePrefix;
    final BitSet eog = new BitSet();

    /** Specials that the text partition may match, longest text first. */
    final int[] partitionTokens;

    Vocabulary(GgufMetadata m, String model, int defaultBos, int defaultEos, int defaultUnk) {
        this.model = model;
        String[] raw = m.getStringArray("tokenizer.ggml.tokens");
        int n = raw.length;
        if (n == 0) throw new IllegalArgumentException("tokenizer.ggml.tokens is empty in " + m.file());
        texts = new String[n];
        ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            // llama.cpp replaces empty token texts so that every text maps back to one id
            String t = raw[i].isEmpty() ? "[EMPTY_" + i + "]" : raw[i];
            texts[i] = t;
            ids.put(t, i);
        }
        scores = m.has("tokenizer.ggml.scores") ? checkLength(m, "tokenizer.ggml.scores", m.getFloatArray("tokenizer.ggml.scores"), n) : new float[n];
        types = new byte[n];
        if (m.has("tokenizer.ggml.token_type")) {
            int[] tt = m.getIntArray("tokenizer.ggml.token_type");
            if (tt.length != n) throw lengthError(m, "tokenizer.ggml.token_type", tt.length, n);
            for (int i = 0; i < n; i++) types[i] = (byte) (tt[i] >= 1 && tt[i] <= 6 ? tt[i] : TokenType.UNDEFINED);
        } else {
            Arrays.fill(types, (byte) TokenType.NORMAL);
        }
        bos = special(m, "tokenizer.ggml.bos_token_id", defaultBos);
        eos = special(m, "tokenizer.ggml.eos_token_id", defaultEos);
        unk = special(m, "tokenizer.ggml.unknown_token_id", defaultUnk);
        eot = special(m, "tokenizer.ggml.eot_token_id", -1);
        eom = special(m, "tokenizer.ggml.eom_token_id", -1);
        sep = special(m, "tokenizer.ggml.seperator_token_id", -1);
        pad = special(m, "tokenizer.ggml.padding_token_id", -1);
        partitionTokens = sortedSpecials();
    }

    /** Reads the add_* flags and builds the end-of-generation set; called once defaults are known. */
    void finish(GgufMetadata m, boolean defAddBos, boolean defAddEos, boolean defSpacePrefix) {
        addBos = m.getBool("tokenizer.ggml.add_bos_token", defAddBos);
        addEos = m.getBool("tokenizer.ggml.add_eos_token", defAddEos);
        addSpacePrefix = m.getBool("tokenizer.ggml.add_space_prefix", defSpacePrefix);
        if (eot < 0) {
            for (String name : EOT_NAMES) {
                Integer id = ids.get(name);
                if (id != null && isSpecialType(id)) { eot = id; break; }
            }
        }
        for (int id : new int[] {eos, eot, eom}) if (id >= 0) eog.set(id);
        for (String name : EOG_NAMES) {
            Integer id = ids.get(name);
            if (id != null && isSpecialType(id)) eog.set(id);
        }
    }

    int size() {
        return texts.length;
    }

    int type(int id) {
        return types[id];
    }

    boolean isSpecialType(int id) {
        int t = types[id];
        return t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN;
    }

    int idOf(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    void check(int id) {
        if (id < 0 || id >= texts.length)
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + texts.length + " tokens");
    }

    private int[] sortedSpecials() {
        List<int[]> list = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) if (isSpecialType(i)) list.add(new int[] {i, utf8Length(texts[i])});
        // longest UTF-8 text first, as llama.cpp orders its special-token cache; ties by id
        list.sort((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[0], b[0]));
        return list.stream().mapToInt(e -> e[0]).toArray();
    }

    /** A special id from metadata; a missing or out-of-range value (e.g. UINT32 -1) keeps the default. */
    int special(GgufMetadata m, String key, int fallback) {
        int def = fallback >= 0 && fallback < texts.length ? fallback : -1;
        GgufValue v = m.get(key).orElse(null);
        if (v == null || v.isArray() || !(v.value() instanceof Number num)) return def;
        long id = num.longValue();
        return id >= 0 && id < texts.length ? (int) id : def;
    }

    private static float[] checkLength(GgufMetadata m, String key, float[] a, int n) {
        if (a.length != n) throw lengthError(m, key, a.length, n);
        return a;
    }

    private static IllegalArgumentException lengthError(GgufMetadata m, String key, int got, int n) {
        return new IllegalArgumentException(key + " has " + got + " entries but tokenizer.ggml.tokens has " + n + " in " + m.file());
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) bytes++;
            else if (c < 0x800) bytes += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) { bytes += 4; i++; }
            else bytes += 3;
        }
        return bytes;
    }
}
