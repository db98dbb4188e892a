package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.Range;
import dev.splitscope.engine.plan.RangeSplitter;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.model.ModelSpec;

import java.util.Arrays;

/**
 * How a loaded model is laid out on its devices, as the executor needs it: either tensor parallel (every device
 * runs every layer on its shard) or by layer (each layer on one device, all of its tensors whole).
 */
public record Layout(boolean tensorParallel, DeviceShard[] shards, int[] layerDevice) {

    public int deviceCount() {
        return tensorParallel ? shards.length : Arrays.stream(layerDevice).max().orElse(0) + 1;
    }

    /** The executor's view of a plan: per-device shards for a graph split, a device per layer otherwise. */
    public static Layout of(Plan plan) {
        // a graph split over one device has nothing to reduce: it runs as that device alone
        if (plan.mode() == SplitMode.GRAPH && plan.shards().size() == 1) return single(plan.spec());
        return switch (plan.mode()) {
            case GRAPH -> new Layout(true, plan.shards().toArray(DeviceShard[]::new), null);
            case LAYER, NONE -> new Layout(false, null, plan.layerDevice());
        };
    }

    /** Everything on one device. */
    public static Layout single(ModelSpec s) {
        return new Layout(false, null, new int[s.nLayer()]);
    }

    /**
     * Tensor parallel over p devices without a planner: heads, kv heads, FFN rows, expert FFN rows and vocabulary
     * split into even ranges (benchmarks and tests; a plan also respects quantization blocks and memory).
     */
    public static Layout evenSplit(ModelSpec s, int p) {
        double[] equal = new double[p];
        Arrays.fill(equal, 1);
        Range[] heads = RangeSplitter.split(s.nHead(), 1, equal), kv = RangeSplitter.split(s.nHeadKv(), 1, equal),
                ff = RangeSplitter.split(s.nFf(), 1, equal), ffExp = RangeSplitter.split(s.nFfExp(), 1, equal),
                vocab = RangeSplitter.split(s.nVocab(), 1, equal);
        DeviceShard[] r = new DeviceShard[p];
        for (int i = 0; i < p; i++) r[i] = new DeviceShard(i, heads[i], kv[i], false, ff[i], ffExp[i], vocab[i]);
        return new Layout(true, r, null);
    }

    /** The shard of a device that holds the whole model. */
    public static DeviceShard whole(ModelSpec s) {
        return new DeviceShard(0, new Range(0, s.nHead()), new Range(0, s.nHeadKv()), false, new Range(0, s.nFf()),
                new Range(0, s.nFfExp()), new Range(0, s.nVocab()));
    }

    /** The local kv head used by each local query head of a shard (kv heads follow their query groups). */
    public static int[] kvOf(DeviceShard r, int gqa) {
        int[] out = new int[r.qHeads().length()];
        for (int i = 0; i < out.length; i++) out[i] = (r.qHeads().start() + i) / gqa - r.kvHeads().start();
        return out;
    }

    /** Device that runs a node of this layer in a layer split (-1: before the first layer; nLayer: after the last). */
    public int deviceOfLayer(int layer) {
        if (tensorParallel) throw new IllegalStateException("no single device per layer in a tensor-parallel layout");
        if (layer < 0) return layerDevice[0];
        return layerDevice[Math.min(layer, layerDevice.length - 1)];
    }
}
