package dev.splitscope.engine.backend;

import dev.splitscope.engine.quant.QuantType;

/**
 * The operations one device offers the executor, backend-neutral. Activations are f32 [tokens][width] buffers owned
 * by the device; weights are uploaded once (zero-copy on the CPU). Calls on one device come from one host thread and
 * run in order; {@link #synchronize()} waits for them.
 */
public interface DeviceOps extends AutoCloseable {

    /** An activation buffer: up to {@code capacity} tokens of {@code width} floats. */
    interface Act {
        int width();

        int capacity();
    }

    /** A weight matrix on the device; rows()×cols() in GGML order (cols = ne0). */
    interface Weight {
        WeightView view();
    }

    /** The KV cache shard of this device: kvHeads × headDim floats per cell, per layer. */
    interface KvCache {
        int cells();

        int kvHeads();

        /** Bytes this shard holds. */
        long bytes();
    }

    /** Human-readable name, e.g. "cpu:1" or "cuda:0 (NVIDIA H200)". */
    String name();

    Act alloc(int capacity, int width);

    Weight weight(WeightView view);

    /**
     * Readies a weight before the first step, for use as a matrix (matmul, the embedding table) or as a vector (norm,
     * bias, rope factors). A GPU uploads it now: an upload inside a step first has to launch what the step has queued,
     * and on tensor-parallel ranks that may be a reduction waiting for a peer that is itself waiting on the upload.
     */
    default void preload(Weight w, boolean matrix) {}

    /** Readies one layer's gate, up or down weights of every expert before the first step (see {@link #preload}). */
    default void preloadExperts(Weight[] ws) {}

    /** A KV shard holding {@code cells} positions for the layers marked in {@code layers} (the others stay empty). */
    KvCache allocKv(boolean[] layers, int cells, int kvHeads, int headDim, QuantType kvType);

    void upload(float[] src, int tokens, Act dst);

    void download(Act src, int tokens, float[] dst);

    /** Copies token row {@code srcToken} of src to row {@code dstToken} of dst (same width). */
    void copyRow(Act src, int srcToken, Act dst, int dstToken);

    /** out[t] = table row ids[t] (dequantized). */
    void getRows(Weight table, int[] ids, Act out);

    /** RMS norm over groups of {@code group} elements (the width, or the head size for q/k norm), times {@code w}. */
    void rmsNorm(Act x, Weight w, float eps, int tokens, int group, Act out);

    /** out[t][r] = Σ_c W[r][c] · x[t][c]. */
    void matmul(Weight w, Act x, int tokens, Act out);

    /** x[t] += bias. */
    void addBias(Act x, Weight bias, int tokens);

    /** out = a + b (out may alias a). */
    void add(Act a, Act b, int tokens, Act out);

    /**
     * In-place rotary embedding of {@code heads} heads at positions pos0.. . {@code freqFactors} (Llama 3's
     * rope_freqs, ropeDim/2 values) divide each pair's angle; null when the model has none.
     */
    void rope(Act x, int tokens, int heads, int headDim, int ropeDim, boolean neox, float theta, int pos0, Weight freqFactors);

    /**
     * Causal attention of {@code qHeads} local query heads; writes k and v of positions pos0.. into layer
     * {@code layer} of the cache first. Local query head i uses local kv head kvOf[i].
     */
    void attention(Act q, Act k, Act v, KvCache kv, int layer, int tokens, int pos0, int headDim, int[] kvOf, Act out);

    /** out = silu(gate) * up. */
    void swiglu(Act gate, Act up, int tokens, Act out);

    /**
     * Router: softmax over {@code nExpert} logits, top-k, renormalised when {@code renorm}. Writes k (expert id as float,
     * weight) pairs per token into out (width 2k).
     */
    void moeRoute(Act logits, int tokens, int nExpert, int k, boolean renorm, Act out);

    /**
     * out[t] = Σ over the routed experts e of weight_e · down_e(silu(gate_e x) * up_e x), using this device's slice of
     * every expert. gate/up/down are indexed by expert.
     */
    void moeFfn(Weight[] gate, Weight[] up, Weight[] down, Act x, Act route, int k, int tokens, Act out);

    /**
     * The largest value of row 0 of {@code x} and its index (ties: the lowest), for greedy decoding without copying
     * the logits to the host.
     */
    default Best argmax(Act x) {
        float[] row = new float[x.width()];
        download(x, 1, row);
        int b = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[b]) b = i;
        return new Best(row[b], b);
    }

    /** A row's largest value and its index. */
    record Best(float value, int index) {}

    /** Waits until every queued operation has finished. */
    void synchronize();

    /**
     * Starts a forward step over {@code ids} at positions pos0.. . Devices that read the ids and the position from
     * their own memory stage them here, once per step.
     */
    default void beginStep(int[] ids, int pos0) {}

    /** Ends the work of a step; a GPU runs what it deferred (a single-token step as one CUDA graph). */
    default void endStep() {}

    /**
     * Runs the single-token step recorded by the last begin/endStep again, for new ids and position, without the
     * node-by-node calls. False when there is nothing to replay (the caller then walks the nodes).
     */
    default boolean replayStep(int[] ids, int pos0) {
        return false;
    }

    /**
     * True when this device can keep greedy decoding on itself: {@link #queueChained} picks a step's winner on the
     * device and makes it the input of the next {@link #replayChained} step, so the host need not wait between steps.
     */
    default boolean chainsGreedy() {
        return false;
    }

    /**
     * After a single-token step: finds the winner of row 0 of {@code logits} on the device, makes it the token of the
     * next step at the next position, and queues its id for {@link #takeChained}. Only where {@link #chainsGreedy}.
     */
    default void queueChained(Act logits) {
        throw new UnsupportedOperationException("greedy steps cannot be chained on this device");
    }

    /**
     * True when this device, as one rank of a tensor-parallel run whose partial sums meet through {@code c}, can chain
     * greedy steps with the other ranks: see {@link #queueChained(Act, int, int, Collective, int)}.
     */
    default boolean chainsGreedy(Collective c) {
        return false;
    }

    /**
     * {@link #queueChained(Act)} for one rank that holds the vocabulary slice from {@code vocabStart} (of
     * {@code vocab} ids) in {@code logits}: the ranks' winners meet on the devices through {@code c}, and every rank
     * makes the best of them its next token. Every rank queues it at the same point. Only where
     * {@link #chainsGreedy(Collective)}.
     */
    default void queueChained(Act logits, int vocabStart, int vocab, Collective c, int rank) {
        throw new UnsupportedOperationException("greedy steps cannot be chained across these devices");
    }

    /**
     * Replays the recorded single-token step on the token and position the last {@link #queueChained} left on the
     * device. False when there is no recorded step (the caller then runs the step with the winner it takes).
     */
    default boolean replayChained() {
        return false;
    }

    /** Waits for the oldest winner queued by {@link #queueChained} and returns its id. */
    default int takeChained() {
        throw new UnsupportedOperationException("greedy steps cannot be chained on this device");
    }

    /**
     * Forgets every recorded step (a GPU destroys its CUDA graphs). A collective's communicator can only be released
     * once no recorded step holds its work, so the executor calls this before closing one.
     */
    default void forgetSteps() {}

    /** True when {@link #mark} timestamps the device's own queue (a GPU); otherwise the host clock is the device's. */
    default boolean timesOnDevice() {
        return false;
    }

    /** Queues a timestamp {@code slot} (slot 0 first in every step); read with {@link #markNanos} after synchronize. */
    default void mark(int slot) {}

    /** Nanoseconds from slot 0 to each of slots 0..count-1 of the last step. */
    default long[] markNanos(int count) {
        throw new UnsupportedOperationException(name() + " does not time on the device");
    }

    /**
     * A device-side all-reduce over {@code group} (this device first or among them), or null when this backend has
     * none for that group and path: the executor then reduces through the host.
     *
     * @param reduceType F32, F16 or BF16: the type partial sums travel in
     */
    default Collective collective(java.util.List<DeviceOps> group, QuantType reduceType, ReducePath path) {
        return null;
    }

    /** Frees device buffers; weights stay owned by the model. */
    @Override
    void close();
}
