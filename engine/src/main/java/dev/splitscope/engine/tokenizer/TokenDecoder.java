package dev.splitscope.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a stream of token ids into text, emitting only complete UTF-8 characters: bytes of a character split
 * across byte tokens wait until the character is whole. A new decoder continues text that is already there (a
 * prompt), so the first token keeps its leading space, as in llama.cpp's streaming; {@link #startAfter(int)} with
 * -1 makes it decode from the start of a text exactly like {@link Tokenizer#decode}. Not thread-safe; use one per
 * generation.
 */
public final class TokenDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private byte[] pending = new byte[16];
    private int pendingLen;
    private boolean boundary;

    TokenDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /**
     * Continues after a token that was not pushed (typically the last prompt token), so that the leading-space
     * rule treats the next token as mid-text unless {@code previousId} is a special token; -1 means the start.
     */
    public TokenDecoder startAfter(int previousId) {
        if (previousId < 0) { boundary = true; return this; }
        int t = tokenizer.tokenType(previousId);
        boundary = t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN;
        return this;
    }

    /** Adds one token and returns the text it completes (possibly empty). */
    public String push(int id) {
        byte[] b = tokenizer.pieceBytes(id, renderSpecial);
        int skip = boundary && tokenizer.stripsLeadingSpace() && b.length > 0 && b[0] == ' ' ? 1 : 0;
        int t = tokenizer.tokenType(id);
        boundary = t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN;
        if (pendingLen + b.length > pending.length) pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + b.length));
        System.arraycopy(b, skip, pending, pendingLen, b.length - skip);
        pendingLen += b.length - skip;
        int complete = completePrefix(pending, pendingLen);
        String s = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLen - complete);
        pendingLen -= complete;
        return s;
    }

    /** Returns what is still held back (an incomplete character becomes U+FFFD). */
    public String flush() {
        String s = new String(pending, 0, pendingLen, StandardCharsets.UTF_8);
        pendingLen = 0;
        return s;
    }

    /** Bytes still waiting for the rest of a character. */
    public int pendingBytes() {
        return pendingLen;
    }

    /**
     * The length of the longest prefix that does not end inside a character that may still be completed.
     * Only a well-formed but truncated sequence at the very end is held back; invalid bytes go out at once.
     */
    static int completePrefix(byte[] buf, int len) {
        for (int back = 1; back <= 3 && back <= len; back++) {
            int i = len - back;
            int b = buf[i] & 0xff;
            if (b < 0x80) return len;
            if (b >= 0xC0) {
                int need = Unicode.utf8SequenceLength(b);
                if (need <= back || need == 1) return len;
                return continuationsValid(buf, i, len) && leadAllows(b, i + 1 < len ? buf[i + 1] & 0xff : -1) ? i : len;
            }
        }
        return len;
    }

    private static boolean continuationsValid(byte[] buf, int lead, int len) {
        for (int k = lead + 1; k < len; k++) if ((buf[k] & 0xC0) != 0x80) return false;
        return true;
    }

    /** Rejects leads whose second byte already makes the sequence invalid (overlong, surrogate, > U+10FFFF). */
    private static boolean leadAllows(int lead, int second) {
        if (lead == 0xC0 || lead == 0xC1 || lead > 0xF4) return false;
        if (second < 0) return true;
        if (lead == 0xE0) return second >= 0xA0;
        if (lead == 0xED) return second < 0xA0;
        if (lead == 0xF0) return second >= 0x90;
        if (lead == 0xF4) return second < 0x90;
        return true;
    }
}
