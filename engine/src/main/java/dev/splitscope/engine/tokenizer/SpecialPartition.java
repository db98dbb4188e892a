package dev.splitscope.engine.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Splits text into raw-text pieces and special tokens, as llama.cpp's partition does: special tokens are
 * tried longest first, and each one carves every occurrence out of the raw pieces left by longer ones.
 * USER_DEFINED tokens are always matched; CONTROL and UNKNOWN ones only when parsing specials.
 */
final class SpecialPartition {
    /** A raw-text range [start, end) of the input, or a token when {@code token >= 0}. */
    record Piece(int token, int start, int end) {
        boolean isToken() {
            return token >= 0;
        }
    }

    private SpecialPartition() {}

    static List<Piece> split(Vocabulary v, String text, boolean parseSpecial) {
        List<Piece> pieces = new ArrayList<>();
        if (text.isEmpty()) return pieces;
        pieces.add(new Piece(-1, 0, text.length()));
        BitSet present = null;
        for (int id : v.partitionTokens) {
            int type = v.type(id);
            if (!parseSpecial && type != TokenType.USER_DEFINED) continue;
            String t = v.texts[id];
            if (present == null) present = pairsOf(text);
            // cheap filter first: most special tokens (e.g. thousands of [PAD...]) do not occur at all
            if (!present.get(pairKey(t, 0)) || !text.contains(t)) continue;
            pieces = carve(pieces, text, t, id);
        }
        return pieces;
    }

    private static List<Piece> carve(List<Piece> pieces, String text, String t, int id) {
        List<Piece> out = new ArrayList<>(pieces.size() + 4);
        for (Piece p : pieces) {
            if (p.isToken()) { out.add(p); continue; }
            int pos = p.start();
            while (true) {
                int at = text.indexOf(t, pos);
                if (at < 0 || at + t.length() > p.end()) break;
                if (at > pos) out.add(new Piece(-1, pos, at));
                out.add(new Piece(id, at, at + t.length()));
                pos = at + t.length();
            }
            if (pos < p.end()) out.add(new Piece(-1, pos, p.end()));
        }
        return out;
    }

    /** Hashes of every character and every adjacent character pair of the text. */
    private static BitSet pairsOf(String text) {
        BitSet b = new BitSet(1 << 16);
        for (int i = 0; i < text.length(); i++) {
            b.set(pairKey(text, i));
            b.set(singleKey(text.charAt(i)));
        }
        return b;
    }

    /** The key of the pair starting at i, or of the lone last character. */
    private static int pairKey(String s, int i) {
        if (i + 1 >= s.length()) return singleKey(s.charAt(i));
        return ((s.charAt(i) * 31) ^ (s.charAt(i + 1) * 0x9E37)) & 0xFFFF;
    }

    private static int singleKey(char c) {
        return (c * 0x3B9F + 7) & 0xFFFF;
    }
}
