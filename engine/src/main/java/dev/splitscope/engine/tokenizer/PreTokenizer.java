package dev.splitscope.engine.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, with the regex list llama.cpp uses for each
 * {@code tokenizer.ggml.pre}. Each regex is applied in turn to every piece left by the previous ones; both the
 * matches and the text between them become pieces. Regexes are compiled with UNICODE_CHARACTER_CLASS so that
 * {@code \s} is Unicode White_Space, which is what llama.cpp's matcher and custom splitters use.
 */
final class PreTokenizer {
    private static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String CJK = "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+";
    // The cased-letter class of DeepSeek LLM's tokenizer.json (Latin, Greek, Cyrillic, Armenian, ... , Adlam).
    private static final String DEEPSEEK_LETTERS = "A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf"
            + "\u01c4-\u0293\u0295-\u02af\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c"
            + "\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5"
            + "\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15"
            + "\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4"
            + "\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4"
            + "\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d"
            + "\u212f-\u2134\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4"
            + "\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e"
            + "\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a"
            + "\\x{10400}-\\x{1044f}\\x{104b0}-\\x{104d3}\\x{104d8}-\\x{104fb}\\x{10c80}-\\x{10cb2}"
            + "\\x{10cc0}-\\x{10cf2}\\x{118a0}-\\x{118df}\\x{1e900}-\\x{1e943}";

    private static final Map<String, List<String>> BY_NAME = new LinkedHashMap<>();

    static {
        List<String> def = List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
        register(def, "default");
        register(List.of(GPT2), "gpt-2", "mpt", "olmo", "jais", "phi-2", "roberta-bpe", "jina-es", "jina-de",
                "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code", "gigachat", "trillion");
        register(List.of(LLAMA3), "llama-bpe", "llama3", "llama-v3", "falcon3", "pixtral", "dbrx", "smaug-bpe");
        register(List.of(QWEN2), "qwen2", "qwen2.5", "qwen-2.5", "deepseek-r1-qwen", "stablelm2", "megrez");
        register(List.of("[\r\n]", "\\s?[" + DEEPSEEK_LETTERS + "]+", "\\s?[!-/:-~\uff01-\uff0f\uff1a-\uff5e\u2018-\u201f\u3000-\u3002]+",
                "\\s+\\z", CJK, "\\p{N}+"), "deepseek-llm");
        register(List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"), "deepseek-coder");
        register(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), "falcon");
        register(List.of("\\p{N}", GPT2), "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone",
                "minerva-7b");
    }

    private static void register(List<String> regexes, String... names) {
        for (String n : names) BY_NAME.put(n, regexes);
    }

    private final String name;
    private final Pattern[] patterns;

    private PreTokenizer(String name, List<String> regexes) {
        this.name = name;
        this.patterns = regexes.stream().map(r -> Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS)).toArray(Pattern[]::new);
    }

    /** The pre-tokenizer for a {@code tokenizer.ggml.pre} value; null or empty means {@code default}. */
    static PreTokenizer forName(String pre) {
        String key = pre == null || pre.isEmpty() ? "default" : pre;
        List<String> regexes = BY_NAME.get(key);
        if (regexes == null)
            throw new IllegalArgumentException("unsupported tokenizer.ggml.pre '" + pre + "'; supported: " + String.join(", ", BY_NAME.keySet()));
        return new PreTokenizer(key, regexes);
    }

    static boolean isLlama3(String pre) {
        return List.of("llama-bpe", "llama3", "llama-v3", "falcon3", "pixtral").contains(pre);
    }

    String name() {
        return name;
    }

    /** Splits text into words, in order; the words concatenate back to the text. */
    List<String> split(String text) {
        IntList bounds = new IntList(16);
        bounds.add(0);
        bounds.add(text.length());
        for (Pattern p : patterns) bounds = splitOnce(p, text, bounds);
        List<String> words = new ArrayList<>(bounds.size() / 2);
        for (int i = 0; i < bounds.size(); i += 2) words.add(text.substring(bounds.get(i), bounds.get(i + 1)));
        return words;
    }

    private static IntList splitOnce(Pattern p, String text, IntList in) {
        IntList out = new IntList(in.size() * 2);
        Matcher m = p.matcher(text);
        for (int i = 0; i < in.size(); i += 2) {
            int start = in.get(i), end = in.get(i + 1);
            m.region(start, end);
            int pos = start;
            while (m.find()) {
                if (m.end() == m.start()) continue;
                if (m.start() > pos) { out.add(pos); out.add(m.start()); }
                out.add(m.start());
                out.add(m.end());
                pos = m.end();
            }
            if (pos < end) { out.add(pos); out.add(end); }
        }
        return out;
    }
}
