/**
 * Tokenizers built from a GGUF file's {@code tokenizer.ggml.*} metadata, behaving like llama.cpp's: SPM
 * ({@code llama}), byte-level BPE ({@code gpt2}, pre-tokenizer chosen by {@code tokenizer.ggml.pre}) and WordPiece
 * ({@code bert}); plus streaming decoding ({@link dev.splitscope.engine.tokenizer.TokenDecoder}) and chat
 * templates rendered with Jinjava ({@link dev.splitscope.engine.tokenizer.ChatTemplate}).
 * <p>
 * Entry point: {@code Tokenizers.fromMetadata(gguf.metadata())}. Every llama.cpp tokenizer test vector in
 * shared/models/vocab passes. Pre-tokenizer regexes run on java.util.regex with UNICODE_CHARACTER_CLASS instead of
 * llama.cpp's hand-written splitters; they agree except on unassigned code points, which llama.cpp's splitters
 * treat as belonging to no class and Java's regex treats as symbols.
 */
package dev.splitscope.engine.tokenizer;
