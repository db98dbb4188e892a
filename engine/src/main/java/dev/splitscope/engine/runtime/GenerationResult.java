package dev.splitscope.engine.runtime;

/**
 * What a generation produced, and how fast: prompt processing (pp) and token generation (tg) speeds.
 *
 * @param stopReason  "length", "eos", "stop-string" or "cancelled"
 * @param endPosition KV positions filled after the run (the last sampled token is not yet evaluated)
 */
public record GenerationResult(int[] promptIds, int[] generatedIds, String text, String stopReason,
                               long promptNanos, long generateNanos, int endPosition) {

    public double promptTokensPerSecond() {
        return promptNanos == 0 ? 0 : promptIds.length * 1e9 / promptNanos;
    }

    public double generateTokensPerSecond() {
        return generateNanos == 0 ? 0 : generatedIds.length * 1e9 / generateNanos;
    }
}
