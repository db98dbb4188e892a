package dev.splitscope.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece ({@code tokenizer.ggml.model = bert}), as llama.cpp runs it: characters are reduced to the first
 * code point of their NFD form and lower-cased, text is split at whitespace, punctuation, ASCII symbols and CJK
 * ideographs, and each word (with a leading U+2581) is cut greedily into the longest tokens; a word that cannot
 * be cut becomes the unknown token. This is lossy by design.
 */
final class WordPieceTokenizer extends BaseTokenizer {
    private final int maxTokenChars;

    WordPieceTokenizer(Vocabulary vocab) {
        super(vocab);
        int max = 0;
        for (String t : vocab.texts) max = Math.max(max, t.length());
        maxTokenChars = max;
    }

    @Override
    public boolean addsBos() {
        return vocab.bos >= 0;
    }

    @Override
    void addSuffix(IntList out) {
        int sep = vocab.sep >= 0 ? vocab.sep : vocab.eos;
        if (sep >= 0) out.add(sep);
    }

    @Override
    void addPrefix(IntList out) {
        if (vocab.bos >= 0) out.add(vocab.bos);
    }

    @Override
    void encodeRaw(String text, boolean afterSpecial, IntList out) {
        for (String word : words(text)) {
            String w = SpmTokenizer.SPACE + word;
            int n = w.length();
            int mark = out.size();
            boolean failed = false;
            for (int i = 0; i < n && !failed; ) {
                int j = Math.min(n, i + maxTokenChars);
                int id = -1;
                for (; j > i; j--) if ((id = vocab.idOf(w.substring(i, j))) >= 0) break;
                if (id < 0) failed = true;
                else { out.add(id); i = j; }
            }
            if (failed) {
                out.truncate(mark);
                out.add(vocab.unk);
            }
        }
    }

    /** Normalizes and splits text into words: whitespace separates, punctuation and CJK stand alone. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = firstOfNfd(text.codePointAt(i));
            i += Character.charCount(text.codePointAt(i));
            int type = Character.getType(cp);
            if (Unicode.isWhiteSpace(cp)) {
                flush(words, cur);
                continue;
            }
            if (cp == 0 || cp == 0xFFFD || isControl(type)) continue;
            int lower = Character.toLowerCase(cp);
            if (isPunctuation(type) || (cp < 0x7F && isSymbol(type)) || isChinese(cp)) {
                flush(words, cur);
                words.add(new String(Character.toChars(lower)));
            } else {
                cur.appendCodePoint(lower);
            }
        }
        flush(words, cur);
        return words;
    }

    private static void flush(List<String> words, StringBuilder cur) {
        if (!cur.isEmpty()) { words.add(cur.toString()); cur.setLength(0); }
    }

    private static int firstOfNfd(int cp) {
        if (cp < 0xC0) return cp;
        String s = new String(Character.toChars(cp));
        if (Normalizer.isNormalized(s, Normalizer.Form.NFD)) return cp;
        return Normalizer.normalize(s, Normalizer.Form.NFD).codePointAt(0);
    }

    private static boolean isControl(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private static boolean isPunctuation(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    @Override
    byte[] normalPiece(int id) {
        return vocab.texts[id].replace(SpmTokenizer.SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }
}
