package dev.splitscope.engine.cli;

import dev.splitscope.engine.runtime.GenerateParams;
import dev.splitscope.engine.runtime.SamplerConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The sampling options shared by {@code splitscope generate} and the kernel's %%prompt and %%chat (a picocli mixin). */
public final class SamplingOptions {
    @Option(names = {"-n", "--n-predict", "--tokens"}, defaultValue = "64", paramLabel = "N", description = "Tokens to generate at most (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temp", defaultValue = "0", paramLabel = "T", description = "Temperature; 0 is greedy (default ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", paramLabel = "K", description = "Top-k, 0 disables (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "Top-p (default ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", paramLabel = "P", description = "Min-p (default ${DEFAULT-VALUE}).")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", paramLabel = "X", description = "Repeat penalty, 1 disables (default ${DEFAULT-VALUE}).")
    float repeatPenalty;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when the text ends with TEXT (repeatable).")
    List<String> stop = new ArrayList<>();

    public int tokens() {
        return tokens;
    }

    /**
     * The engine's parameters. Every value is checked even when greedy sampling ignores it, so that a typo such as
     * {@code --top-p 9} is reported instead of silently doing something else.
     */
    public GenerateParams params(boolean addBos, boolean parseSpecial) {
        if (tokens < 0) throw new IllegalArgumentException("-n must be >= 0, got " + tokens);
        if (topK < 0) throw new IllegalArgumentException("--top-k must be >= 0 (0 disables it), got " + topK);
        SamplerConfig checked = new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, 64, seed);
        return new GenerateParams(tokens, checked.isGreedy() ? SamplerConfig.greedy() : checked, stop, addBos, parseSpecial);
    }
}
