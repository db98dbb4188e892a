package dev.splitscope.engine.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge table of a byte-level BPE vocabulary over interned symbols. Symbol ids below the vocabulary size
 * are token ids; strings that appear in merges but are not tokens get ids above it, so merging works on ints
 * yet behaves exactly like llama.cpp's merging of strings.
 */
final class BpeMerges {
    private final Vocabulary vocab;
    private final Map<String, Integer> extraIds = new HashMap<>();
    private final List<String> extraTexts = new ArrayList<>();
    private final LongIntMap ranks;
    private final int[] mergeLeft, mergeRight;
    /** The merged symbol of each rank plus one, filled on first use (0 = not looked up yet). */
    private final int[] result;
    private final int[] byteSymbols = new int[256];

    BpeMerges(Vocabulary vocab, String[] merges, String where) {
        this.vocab = vocab;
        ranks = new LongIntMap(merges.length);
        result = new int[merges.length];
        mergeLeft = new int[merges.length];
        mergeRight = new int[merges.length];
        for (int r = 0; r < merges.length; r++) {
            String line = merges[r];
            // split at the first space after the first character, as llama.cpp does
            int sp = line.indexOf(' ', 1);
            if (sp < 0) throw new IllegalArgumentException("tokenizer.ggml.merges[" + r + "] = '" + line
                    + "' is not 'left right' in " + where);
            String a = line.substring(0, sp), b = line.substring(sp + 1);
            int left = symbol(a), right = symbol(b);
            mergeLeft[r] = left;
            mergeRight[r] = right;
            ranks.putIfAbsent(pair(left, right), r);
        }
        for (int b = 0; b < 256; b++) byteSymbols[b] = symbol(String.valueOf(ByteLevel.charOf(b)));
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    /** The symbol id of a string, interning it if it is not a token (rare, hence synchronized). */
    private synchronized int symbol(String s) {
        int id = vocab.idOf(s);
        if (id >= 0) return id;
        Integer e = extraIds.get(s);
        if (e != null) return e;
        int nid = vocab.size() + extraTexts.size();
        extraIds.put(s, nid);
        extraTexts.add(s);
        return nid;
    }

    /** The rank of merging two symbols, or -1. */
    int rank(int left, int right) {
        return ranks.get(pair(left, right));
    }

    /** The symbol that merging a rank's pair makes; looked up lazily, which keeps loading fast. */
    int mergedSymbol(int rank) {
        int v = result[rank];
        if (v != 0) return v - 1;
        int id = symbol(text(mergeLeft[rank]) + text(mergeRight[rank]));
        result[rank] = id + 1; // an idempotent int write: a race only repeats the lookup
        return id;
    }

    int byteSymbol(int b) {
        return byteSymbols[b & 0xff];
    }

    boolean isToken(int symbol) {
        return symbol < vocab.size();
    }

    String text(int symbol) {
        if (isToken(symbol)) return vocab.texts[symbol];
        synchronized (this) {
            return extraTexts.get(symbol - vocab.size());
        }
    }

    int size() {
        return ranks.size();
    }
}
