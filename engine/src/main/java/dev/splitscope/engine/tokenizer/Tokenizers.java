package dev.splitscope.engine.tokenizer;

import dev.splitscope.engine.gguf.GgufMetadata;

/**
 * Builds the {@link Tokenizer} that a GGUF file's {@code tokenizer.ggml.*} metadata describes:
 * {@code llama} (SPM), {@code gpt2} (byte-level BPE with the pre-tokenizer of {@code tokenizer.ggml.pre})
 * or {@code bert} (WordPiece). Any other model is refused with the list of supported ones.
 */
public final class Tokenizers {
    private Tokenizers() {}

    public static Tokenizer fromMetadata(GgufMetadata m) {
        String model = m.getString("tokenizer.ggml.model", null);
        if (model == null)
            throw new IllegalArgumentException("metadata key 'tokenizer.ggml.model' is missing in " + m.file()
                    + "; supported tokenizer models: " + String.join(", ", BaseTokenizer.supportedModels()));
        return switch (model) {
            case "llama" -> spm(m);
            case "gpt2" -> bpe(m);
            case "bert" -> wordPiece(m);
            default -> throw new IllegalArgumentException("unsupported tokenizer model '" + model + "' in " + m.file()
                    + "; supported: " + String.join(", ", BaseTokenizer.supportedModels()));
        };
    }

    private static Tokenizer spm(GgufMetadata m) {
        Vocabulary v = new Vocabulary(m, "llama", 1, 2, 0);
        v.finish(m, true, false, true);
        return new SpmTokenizer(v);
    }

    private static Tokenizer bpe(GgufMetadata m) {
        String pre = m.getString("tokenizer.ggml.pre", "default");
        PreTokenizer preTokenizer = PreTokenizer.forName(pre);
        if (!m.has("tokenizer.ggml.merges"))
            throw new IllegalArgumentException("metadata key 'tokenizer.ggml.merges' is missing in " + m.file()
                    + " (required by the gpt2 tokenizer model)");
        Vocabulary v = new Vocabulary(m, "gpt2", 11, 11, -1);
        boolean llama3 = PreTokenizer.isLlama3(pre);
        v.finish(m, llama3, false, false);
        BpeMerges merges = new BpeMerges(v, m.getStringArray("tokenizer.ggml.merges"), String.valueOf(m.file()));
        return new BpeTokenizer(v, preTokenizer, merges, llama3);
    }

    private static Tokenizer wordPiece(GgufMetadata m) {
        Vocabulary v = new Vocabulary(m, "bert", 101, -1, 100);
        // BERT's sequence start is [CLS]; converters store it as cls_token_id rather than bos_token_id
        if (!m.has("tokenizer.ggml.bos_token_id")) v.bos = v.special(m, "tokenizer.ggml.cls_token_id", v.bos);
        if (v.sep < 0) v.sep = v.idOf("[SEP]");
        v.finish(m, true, false, true);
        return new WordPieceTokenizer(v);
    }
}
