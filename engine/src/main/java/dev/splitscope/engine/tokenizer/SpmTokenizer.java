package dev.splitscope.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}), as llama.cpp runs it: spaces become
 * U+2581, a space is prefixed at the start and after special tokens, the adjacent pair whose merged text is the
 * highest-scoring token is merged first, and characters without a token fall back to {@code <0xXX>} byte tokens.
 */
final class SpmTokenizer extends BaseTokenizer {
    static final char SPACE = '\u2581';
    private final int[] byteTokens = new int[256];

    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
        for (int b = 0; b < 256; b++) {
            int id = vocab.idOf(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) id = vocab.idOf(String.valueOf((char) b));
            byteTokens[b] = id >= 0 ? id : vocab.unk;
        }
    }

    @Override
    void encodeRaw(String raw, boolean afterSpecial, IntList out) {
        String text = (vocab.addSpacePrefix && afterSpecial ? " " + raw : raw).replace(' ', SPACE);
        if (text.isEmpty()) return;
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n], len = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            start[i] = pos;
            len[i] = Character.charCount(text.codePointAt(pos));
            pos += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        BigramQueue queue = new BigramQueue();
        for (int i = 1; i < n; i++) tryAdd(text, start, len, i - 1, i, queue);
        while (!queue.isEmpty()) {
            long key = queue.pop();
            int size = queue.lastAux();
            int left = BigramQueue.left(key);
            int right = next[left];
            // a pair is stale once either side was merged: its lengths no longer add up
            if (len[left] == 0 || right < 0 || len[right] == 0 || len[left] + len[right] != size) continue;
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            tryAdd(text, start, len, prev[left], left, queue);
            if (next[left] >= 0) tryAdd(text, start, len, left, next[left], queue);
        }
        for (int i = 0; i != -1; i = next[i]) emit(text.substring(start[i], start[i] + len[i]), out);
    }

    private void tryAdd(String text, int[] start, int[] len, int left, int right, BigramQueue queue) {
        if (left < 0 || right < 0) return;
        int id = vocab.idOf(text.substring(start[left], start[right] + len[right]));
        if (id < 0) return;
        queue.push(BigramQueue.key(BigramQueue.sortable(-vocab.scores[id]), left), len[left] + len[right]);
    }

    private void emit(String symbol, IntList out) {
        int id = vocab.idOf(symbol);
        if (id >= 0) { out.add(id); return; }
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            int t = byteTokens[b & 0xff];
            if (t >= 0) out.add(t);
        }
    }

    @Override
    byte[] normalPiece(int id) {
        return vocab.texts[id].replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }
}
