package dev.splitscope.engine.runtime;

/**
 * How often the MoE router picked each expert, per layer, over the tokens evaluated since the last {@link #reset()}.
 * Off by default (counting copies the router's top-k ids off the device once per MoE layer and step); turn it on with
 * {@link #enable(boolean)}. Each token is counted once per layer, however many devices routed it.
 */
public final class RoutingCounts {
    private final long[][] counts; // [layer][expert]
    private final long[] tokens;   // [layer] tokens routed
    private volatile boolean enabled;

    RoutingCounts(int layers, int experts) {
        this.counts = new long[layers][experts];
        this.tokens = new long[layers];
    }

    public void enable(boolean on) {
        enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    public int layers() {
        return counts.length;
    }

    public int experts() {
        return counts.length == 0 ? 0 : counts[0].length;
    }

    /** A copy of the counts: [layer][expert] = times the expert was among a token's top-k. */
    public synchronized long[][] snapshot() {
        long[][] copy = new long[counts.length][];
        for (int l = 0; l < counts.length; l++) copy[l] = counts[l].clone();
        return copy;
    }

    /** Tokens routed through {@code layer} since the last reset. */
    public synchronized long tokens(int layer) {
        return tokens[layer];
    }

    public synchronized void reset() {
        for (long[] row : counts) java.util.Arrays.fill(row, 0);
        java.util.Arrays.fill(tokens, 0);
    }

    /** Adds one router output: per token, {@code k} (expert id, weight) pairs in a row of {@code width} floats. */
    synchronized void record(int layer, float[] route, int nTokens, int width, int k) {
        for (int t = 0; t < nTokens; t++)
            for (int j = 0; j < k; j++) counts[layer][(int) route[t * width + 2 * j]]++;
        tokens[layer] += nTokens;
    }
}
