package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.Node;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorRole;
import dev.splitscope.engine.quant.QuantType;

/**
 * The run state of one device: its ops, its weight slices, its KV shard and one activation buffer per node.
 * {@link #exec} interprets one graph node on this device's shard.
 */
final class DeviceRun implements AutoCloseable {
    final int index;
    final DeviceOps ops;
    final DeviceShard ranges;
    final DeviceWeights weights;
    final DeviceOps.KvCache kv;
    private final Graph graph;
    private final ModelSpec spec;
    private final Axis[] axes;
    private final DeviceOps.Act[] acts;
    private final int[] kvOf;
    private final int maxTokens;
    private final RoutingCounts routing; // null when another device counts this device's routing
    private DeviceOps.Weight[][][] experts; // [layer][gate, up, down][expert]
    private final DeviceOps.Weight ropeFreqs; // [ropeDim / 2] or null

    DeviceRun(int index, DeviceOps ops, GgufFile file, Graph graph, DeviceShard ranges, Axis[] axes,
              int ctx, int maxTokens, QuantType kvType, boolean[] layersHere, RoutingCounts routing) {
        this.index = index;
        this.ops = ops;
        this.ranges = ranges;
        this.graph = graph;
        this.spec = graph.spec();
        this.axes = axes;
        this.maxTokens = maxTokens;
        this.routing = routing;
        this.weights = new DeviceWeights(file, spec, ranges, ops);
        this.acts = new DeviceOps.Act[graph.size()];
        this.kvOf = Layout.kvOf(ranges, spec.gqaRatio());
        this.ropeFreqs = file.hasTensor(TensorRole.ROPE_FREQS.tensorName(-1)) ? weights.get(TensorRole.ROPE_FREQS, -1) : null;
        this.kv = ops.allocKv(layersHere, ctx, ranges.kvHeads().length(), spec.headDim(), kvType);
    }

    /** True while the host reads this device's results out of every step (MoE routing counts). */
    boolean hostObserves() {
        return routing != null && routing.enabled();
    }

    int localWidth(Node n) {
        return axes[n.id()].localWidth(n, ranges, spec);
    }

    /** This device's buffer for node {@code id}, allocated on first use. */
    DeviceOps.Act act(int id) {
        if (acts[id] == null) acts[id] = ops.alloc(maxTokens, localWidth(graph.node(id)));
        return acts[id];
    }

    void alias(int id, int to) {
        acts[id] = act(to);
    }

    /** Runs node {@code n} for {@code tokens} tokens starting at position {@code pos0}. */
    void exec(Node n, int tokens, int pos0, int[] ids) {
        int[] in = n.inputs();
        switch (n.op()) {
            case GET_ROWS -> ops.getRows(weights.get(TensorRole.TOKEN_EMBD, -1), ids, act(n.id()));
            case RMS_NORM -> {
                int group = Axis.isHeadNorm(n) ? spec.headDim() : n.width();
                ops.rmsNorm(act(in[0]), weights.get(n.weight(), n.layer()), spec.rmsEps(), tokens, group, act(n.id()));
            }
            case MUL_MAT -> ops.matmul(matrix(n), act(in[0]), tokens, act(n.id()));
            case ADD_BIAS -> {
                alias(n.id(), in[0]);
                ops.addBias(act(n.id()), weights.get(n.weight(), n.layer()), tokens);
            }
            case ADD -> ops.add(act(in[0]), act(in[1]), tokens, act(n.id()));
            case ROPE -> {
                alias(n.id(), in[0]);
                int heads = localWidth(n) / spec.headDim();
                ops.rope(act(n.id()), tokens, heads, spec.headDim(), spec.ropeDim(), spec.ropeNeox(), spec.ropeTheta(), pos0, ropeFreqs);
            }
            case ATTENTION -> ops.attention(act(in[0]), act(in[1]), act(in[2]), kv, n.layer(), tokens, pos0, spec.headDim(), kvOf, act(n.id()));
            case SWIGLU -> ops.swiglu(act(in[0]), act(in[1]), tokens, act(n.id()));
            case MOE_ROUTE -> {
                ops.moeRoute(act(in[0]), tokens, spec.nExpert(), spec.nExpertUsed(), true, act(n.id()));
                if (routing != null && routing.enabled()) countRouting(n, tokens);
            }
            case MOE_FFN -> {
                DeviceOps.Weight[][] e = expertsOf(n.layer());
                ops.moeFfn(e[0], e[1], e[2], act(in[0]), act(in[1]), spec.nExpertUsed(), tokens, act(n.id()));
            }
            case REDUCE -> alias(n.id(), in[0]); // one device: the partial sum is already the whole sum
            case CONCAT -> alias(n.id(), in[0]);
        }
    }

    /** Readies, before any step runs, the weights {@link #exec} will read for node {@code n}. */
    void preload(Node n) {
        switch (n.op()) {
            case GET_ROWS -> ops.preload(weights.get(TensorRole.TOKEN_EMBD, -1), true);
            case RMS_NORM, ADD_BIAS -> ops.preload(weights.get(n.weight(), n.layer()), false);
            case MUL_MAT -> ops.preload(matrix(n), true);
            case ROPE -> {
                if (ropeFreqs != null) ops.preload(ropeFreqs, false);
            }
            case MOE_FFN -> {
                for (DeviceOps.Weight[] ws : expertsOf(n.layer())) ops.preloadExperts(ws);
            }
            default -> {}
        }
    }

    private void countRouting(Node n, int tokens) {
        DeviceOps.Act route = act(n.id());
        float[] host = new float[tokens * route.width()];
        ops.download(route, tokens, host);
        routing.record(n.layer(), host, tokens, route.width(), spec.nExpertUsed());
    }

    private DeviceOps.Weight matrix(Node n) {
        return n.weight() == TensorRole.TOKEN_EMBD ? weights.tiedHead() : weights.get(n.weight(), n.layer());
    }

    private DeviceOps.Weight[][] expertsOf(int layer) {
        if (experts == null) experts = new DeviceOps.Weight[spec.nLayer()][][];
        if (experts[layer] == null) {
            TensorRole[] roles = {TensorRole.FFN_GATE_EXPS, TensorRole.FFN_UP_EXPS, TensorRole.FFN_DOWN_EXPS};
            DeviceOps.Weight[][] w = new DeviceOps.Weight[3][spec.nExpert()];
            for (int r = 0; r < 3; r++)
                for (int e = 0; e < spec.nExpert(); e++) w[r][e] = weights.expert(roles[r], layer, e);
            experts[layer] = w;
        }
        return experts[layer];
    }

    @Override
    public void close() {
        ops.close();
    }
}
