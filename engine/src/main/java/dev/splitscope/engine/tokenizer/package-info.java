/**
 * Tokenizers built from a GGUF file's {@code tokenizer.ggml.*} metadata, behaving like llama.cpp's: SPM
 * ({@code llama}), byte-level BPE ({@code gpt2}, pre-tokenizer chosen by {@code tokenizer.ggml.pre}) and WordPiece
 * ({@code bert}); plus streaming decoding ({@link dev.splitscope.engine.tokenizer.TokenDecoder}) and chat
 * templates rendered with Jinjava ({@link dev.splitscope.engine.tokenizer.ChatTemplate}).
 * <p>
 * Entry point: {@code Tokenizers.fromMetadata(gguf.metadata())}. Every llama.cpp tokenizer test vector in
 * shared/models/vocab passes. Pre-tokenizer regexes run on java.util.regex with UNICODE_CHARACTER_CLASS, where
 * llama.cpp uses hand-written splitters (gpt-2, llama3) or std::regex over text collapsed to one byte per Unicode
 * category. Both treat categories the same way (format, private-use and unassigned code points are neither
 * letters, numbers nor whitespace), so results can differ only where the JDK's Unicode version assigns a code
 * point that llama.cpp's tables do not know.
 */
package dev.splitscope.engine.tokenizer;
