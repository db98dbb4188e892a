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
            if (!mayOccur(t, present) || !text.contains(t)) continue;
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

    /** False when some character pair of the token never occurs in the text. */
    private static boolean mayOccur(String token, BitSet present) {
        for (int i = 0; i < token.length(); i++) if (!present.get(pairKey(token, i))) return false;
        return true;
    }

    /** Hashes of every character and every adjacent character pair of the text (2^20 bits keep collisions rare). */
    private static BitSet pairsOf(String text) {
        BitSet b = new BitSet(1 << 20);
        for (int i = 0; i < text.length(); i++) {
            b.set(pairKey(text, i));
            b.set(singleKey(text.charAt(i)));
        }
        return b;
    }

    /** The key of the pair starting at i, or of the lone last character. */
    private static int pairKey(String s, int i) {
        if (i + 1 >= s.length()) return singleKey(s.charAt(i));
        return mix(((long) s.charAt(i) << 16) | s.charAt(i + 1));
    }

    private static int singleKey(char c) {
        return mix(0x1_0000_0000L | c);
    }

    private static int mix(long k) {
        return (int) ((k * 0x9E3779B97F4A7C15L) >>> 44);
    }
}
