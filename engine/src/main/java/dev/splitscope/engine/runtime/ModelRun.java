package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.Node;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;

import java.util.List;

/**
 * A model's weights bound to devices with a layout and a KV cache, ready to run forward steps. The file stays
 * owned by the caller; closing this frees the devices' buffers.
 */
public final class ModelRun implements AutoCloseable {
    private final Graph graph;
    private final Layout layout;
    private final Executor executor;
    private final int ctx;
    private final RoutingCounts routing;

    /**
     * @param devices   one DeviceOps per device of the layout (the run takes ownership)
     * @param ctx       KV cache cells (context length)
     * @param maxTokens largest batch evaluated in one step
     */
    public ModelRun(GgufFile file, Graph graph, Layout layout, List<DeviceOps> devices, int ctx, int maxTokens,
                    ReduceType reduceType, QuantType kvType) {
        this(file, graph, layout, devices, ctx, maxTokens, reduceType, ReducePath.AUTO, kvType);
    }

    /** @param reducePath how partial sums meet: on the devices (NCCL, peer) or through the host; AUTO picks */
    public ModelRun(GgufFile file, Graph graph, Layout layout, List<DeviceOps> devices, int ctx, int maxTokens,
                    ReduceType reduceType, ReducePath reducePath, QuantType kvType) {
        if (devices.size() != layout.deviceCount())
            throw new IllegalArgumentException("layout has " + layout.deviceCount() + " devices but " + devices.size() + " were given");
        this.graph = graph;
        this.layout = layout;
        this.ctx = ctx;
        ModelSpec s = graph.spec();
        Axis[] axes = new Axis[graph.size()];
        for (Node n : graph.nodes()) axes[n.id()] = layout.tensorParallel() ? Axis.of(n, graph) : Axis.FULL;
        this.routing = new RoutingCounts(s.nLayer(), s.nExpert());
        DeviceRun[] runs = new DeviceRun[devices.size()];
        for (int d = 0; d < runs.length; d++) {
            boolean[] here = new boolean[s.nLayer()];
            for (int l = 0; l < s.nLayer(); l++) here[l] = layout.tensorParallel() || layout.layerDevice()[l] == d;
            DeviceShard r = layout.tensorParallel() ? layout.shards()[d] : Layout.whole(s);
            // Every tensor-parallel device routes every token the same way, so only device 0 counts.
            RoutingCounts counter = layout.tensorParallel() && d > 0 ? null : routing;
            runs[d] = new DeviceRun(d, devices.get(d), file, graph, r, axes, ctx, maxTokens, kvType, here, counter);
        }
        this.executor = new Executor(graph, layout, runs, reduceType, reducePath, maxTokens);
    }

    public Graph graph() {
        return graph;
    }

    public Layout layout() {
        return layout;
    }

    public int contextLength() {
        return ctx;
    }

    /** MoE routing counts per layer and expert (off until {@code routing().enable(true)}; empty for a dense model). */
    public RoutingCounts routing() {
        return routing;
    }

    /** How tensor-parallel partial sums meet, e.g. "nccl 2.21.5 (2 GPUs)", "peer (one-shot, …)" or "host (…)". */
    public String reducePath() {
        return executor.reduceDescription();
    }

    public List<Split> splits() {
        return executor.splits();
    }

    public List<StepTiming> lastTimings() {
        return executor.lastTimings();
    }

    /** Logits of the last of {@code ids}, evaluated at positions pos0.. (the KV cache keeps earlier positions). */
    public float[] forward(int[] ids, int pos0) {
        if (pos0 + ids.length > ctx)
            throw new IllegalArgumentException("context full: positions up to " + (pos0 + ids.length) + " requested, context length is " + ctx);
        return executor.forward(ids, pos0);
    }

    /** The id of the largest logit after {@code ids} (greedy decoding): only the winner leaves the devices. */
    public int forwardGreedy(int[] ids, int pos0) {
        if (pos0 + ids.length > ctx)
            throw new IllegalArgumentException("context full: positions up to " + (pos0 + ids.length) + " requested, context length is " + ctx);
        return executor.forwardGreedy(ids, pos0);
    }

    /** True when greedy steps follow each other on the devices, the host one step behind (see greedyRun). */
    public boolean chainsGreedy() {
        return executor.chainsGreedy();
    }

    /**
     * Greedy decoding after {@code first} (evaluated at pos0): up to n winners, each fed back, given to {@code sink}
     * until it returns false; returns how many it was given (= tokens evaluated). See {@link Executor#greedyRun}.
     */
    public int greedyRun(int first, int pos0, int n, java.util.function.IntPredicate sink) {
        if (pos0 + n > ctx)
            throw new IllegalArgumentException("context full: positions up to " + (pos0 + n) + " requested, context length is " + ctx);
        return executor.greedyRun(first, pos0, n, sink);
    }

    /** Per device: weight bytes read, KV bytes held. */
    public long[][] memoryByDevice() {
        DeviceRun[] runs = executor.devices();
        long[][] m = new long[runs.length][];
        for (int d = 0; d < runs.length; d++) m[d] = new long[]{runs[d].weights.bytes(), runs[d].kv.bytes()};
        return m;
    }

    public List<String> deviceNames() {
        return java.util.Arrays.stream(executor.devices()).map(r -> r.ops.name()).toList();
    }

    @Override
    public void close() {
        executor.close();
    }
}
