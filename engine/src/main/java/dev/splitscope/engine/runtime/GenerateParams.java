package dev.splitscope.engine.runtime;

import java.util.List;

/**
 * One generation request: at most {@code maxTokens} new tokens, sampled with {@code sampler}, stopping early at an
 * end-of-generation token or when the text ends with one of {@code stop}.
 *
 * @param addBos       prepend BOS when the tokenizer wants it (false when continuing a conversation)
 * @param parseSpecial recognise special tokens written in the prompt (chat templates need this)
 */
public record GenerateParams(int maxTokens, SamplerConfig sampler, List<String> stop, boolean addBos, boolean parseSpecial) {

    public GenerateParams {
        if (maxTokens < 0) throw new IllegalArgumentException("the number of tokens to generate must be >= 0, got " + maxTokens);
        stop = List.copyOf(stop);
    }

    public static GenerateParams greedy(int maxTokens) {
        return new GenerateParams(maxTokens, SamplerConfig.greedy(), List.of(), true, false);
    }
}
