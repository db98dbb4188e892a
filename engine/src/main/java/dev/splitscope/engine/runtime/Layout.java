package dev.splitscope.engine.runtime;

import dev.splitscope.engine.model.ModelSpec;

import java.util.Arrays;

/**
 * How a loaded model is laid out on its devices, as the executor needs it: either tensor parallel (every device
 * runs every layer on its shard) or by layer (each layer on one device, all of its tensors whole).
 */
public record Layout(boolean tensorParallel, ShardRanges[] shards, int[] layerDevice) {

    public int deviceCount() {
        return tensorParallel ? shards.length : Arrays.stream(layerDevice).max().orElse(0) + 1;
    }

    /** Everything on one device. */
    public static Layout single(ModelSpec s) {
        return new Layout(false, new ShardRanges[]{ShardRanges.whole(s)}, new int[s.nLayer()]);
    }

    /** Device that runs a node of this layer in a layer split (-1: before the first layer; nLayer: after the last). */
    public int deviceOfLayer(int layer) {
        if (tensorParallel) throw new IllegalStateException("no single device per layer in a tensor-parallel layout");
        if (layer < 0) return layerDevice[0];
        return layerDevice[Math.min(layer, layerDevice.length - 1)];
    }
}
