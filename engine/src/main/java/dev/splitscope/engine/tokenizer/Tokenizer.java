package dev.splitscope.engine.tokenizer;

/**
 * Text to token ids and back, following llama.cpp's tokenizers for the GGUF vocabulary it was built from.
 * Implementations are immutable after construction and safe to use from several threads.
 */
public interface Tokenizer {

    /**
     * Encodes text. {@code addSpecial} adds the vocabulary's BOS/EOS (or CLS/SEP) as its metadata asks;
     * {@code parseSpecial} turns the text of CONTROL tokens (e.g. {@code <|im_start|>}) into those tokens.
     * USER_DEFINED tokens are always matched, as llama.cpp does.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * Decodes ids to text, leaving out CONTROL tokens; invalid UTF-8 becomes U+FFFD. Where encoding adds a space
     * prefix (SPM's add_space_prefix, and WordPiece), one leading space is dropped from a token that follows the
     * start or a special token, so that {@code decode(encode(s, addSpecial, false)) == s} for lossless
     * vocabularies. Unlike llama.cpp's detokenizer, this also drops the space after a leading BOS: llama.cpp
     * renders [BOS, ▁Once] as "&lt;s&gt; Once" with specials shown, this gives "&lt;s&gt;Once".
     */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    /** Decodes ids to text; {@code renderSpecial} writes CONTROL tokens as their text. */
    String decode(int[] ids, boolean renderSpecial);

    /**
     * The text of one token as it appears in output (spaces unescaped, byte tokens as bytes), without
     * the leading-space rule of {@link #decode}. A lone byte token may be an incomplete UTF-8 sequence:
     * use {@link #newDecoder} to stream text.
     */
    default String decodeToken(int id) {
        return new String(pieceBytes(id, true), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The raw output bytes of one token; CONTROL tokens give no bytes unless {@code renderSpecial}. */
    byte[] pieceBytes(int id, boolean renderSpecial);

    /**
     * A streaming decoder that emits only complete UTF-8 characters. It continues existing text (the first
     * token keeps its leading space); call {@code startAfter(-1)} on it to decode from the start of a text.
     */
    default TokenDecoder newDecoder(boolean renderSpecial) {
        return new TokenDecoder(this, renderSpecial);
    }

    /** Whether decoding drops one leading space after the start or a special token (SPM space prefix). */
    boolean stripsLeadingSpace();

    int vocabSize();

    /** Whether {@code encode(text, true, ...)} starts with BOS (tokenizer.ggml.add_bos_token, else the model's default). */
    boolean addsBos();

    /** BOS id, or -1. */
    int bos();

    /** EOS id, or -1. */
    int eos();

    /** End-of-turn id, or -1 if the vocabulary has none. */
    int eot();

    /** Whether generation should stop at this token (EOS, EOT, EOM and known end-of-turn tokens). */
    boolean isEog(int id);

    /** The stored text of a token (escaped form, e.g. {@code ▁the} or {@code Ġthe}). */
    String token(int id);

    /** The {@link TokenType} of a token. */
    int tokenType(int id);

    /** The tokenizer model name: {@code llama}, {@code gpt2} or {@code bert}. */
    String model();
}
