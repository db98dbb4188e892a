package dev.splitscope.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}), as llama.cpp runs it: the text is split into words by
 * the pre-tokenizer of {@code tokenizer.ggml.pre}, each word's UTF-8 bytes are mapped to GPT-2's byte
 * characters, and the adjacent pair with the lowest merge rank is merged until none is left. Results are
 * cached per word.
 */
final class BpeTokenizer extends BaseTokenizer {
    private static final int CACHE_LIMIT = 1 << 16;
    private final PreTokenizer pre;
    private final BpeMerges merges;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BpeTokenizer(Vocabulary vocab, PreTokenizer pre, BpeMerges merges, boolean ignoreMerges) {
        super(vocab);
        this.pre = pre;
        this.merges = merges;
        this.ignoreMerges = ignoreMerges;
    }

    @Override
    void encodeRaw(String text, boolean afterSpecial, IntList out) {
        for (String word : pre.split(text)) {
            int[] ids = cache.get(word);
            if (ids == null) {
                ids = encodeWord(word);
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(word, ids);
            }
            out.addAll(ids);
        }
    }

    private int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        if (ignoreMerges) {
            // llama3-style vocabularies take a whole word that is a token as it is
            int id = vocab.idOf(ByteLevel.encode(bytes));
            if (id >= 0) return new int[] {id};
        }
        int[] sym = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = merges.byteSymbol(bytes[i]);
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        BigramQueue queue = new BigramQueue();
        for (int i = 1; i < n; i++) addPair(sym, i - 1, i, queue);
        while (!queue.isEmpty()) {
            long key = queue.pop();
            int left = BigramQueue.left(key), rank = BigramQueue.priority(key);
            int right = next[left];
            // stale unless the two symbols are still the pair this rank merges
            if (sym[left] < 0 || right < 0 || merges.rank(sym[left], sym[right]) != rank) continue;
            sym[left] = merges.mergedSymbol(rank);
            sym[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) addPair(sym, prev[left], left, queue);
            if (next[left] >= 0) addPair(sym, left, next[left], queue);
        }
        IntList out = new IntList(n);
        for (int i = 0; i != -1 && n > 0; i = next[i]) emit(sym[i], out);
        return out.toArray();
    }

    private void addPair(int[] sym, int left, int right, BigramQueue queue) {
        int rank = merges.rank(sym[left], sym[right]);
        if (rank >= 0) queue.push(BigramQueue.key(rank, left), 0);
    }

    /** A final symbol that is not a token falls back to single-byte tokens where those exist, as in llama.cpp. */
    private void emit(int symbol, IntList out) {
        if (merges.isToken(symbol)) { out.add(symbol); return; }
        for (byte b : merges.text(symbol).getBytes(StandardCharsets.UTF_8)) {
            if (b < 0) continue;
            int id = vocab.idOf(String.valueOf((char) b));
            if (id >= 0) out.add(id);
        }
    }

    @Override
    byte[] normalPiece(int id) {
        return ByteLevel.decode(vocab.texts[id]);
    }

    @Override
    byte[] bytePiece(int id) {
        return ByteLevel.decode(vocab.texts[id]);
    }

    String preTokenizer() {
        return pre.name();
    }

    int mergeCount() {
        return merges.size();
    }
}
