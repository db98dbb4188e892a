package dev.splitscope.engine.tokenizer;

/**
 * Token types as stored in {@code tokenizer.ggml.token_type} (the values of llama.cpp's
 * {@code llama_token_type}). Kept as int constants because they index per-token arrays.
 */
public final class TokenType {
    public static final int UNDEFINED = 0;
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    private TokenType() {}

    /** Name of a type value, for messages. */
    public static String name(int type) {
        return switch (type) {
            case NORMAL -> "NORMAL";
            case UNKNOWN -> "UNKNOWN";
            case CONTROL -> "CONTROL";
            case USER_DEFINED -> "USER_DEFINED";
            case UNUSED -> "UNUSED";
            case BYTE -> "BYTE";
            default -> "UNDEFINED";
        };
    }
}
