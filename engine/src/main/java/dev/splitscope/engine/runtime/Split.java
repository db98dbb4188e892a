package dev.splitscope.engine.runtime;

import java.util.List;

/**
 * A run of consecutive graph nodes on one device. Splits with the same {@code group} run at the same time, one per
 * device, up to the synchronisation that ends them ({@link End}).
 *
 * @param inputs activations this split must receive from other devices before it starts (per token)
 */
public record Split(int index, int group, int device, int firstNode, int lastNode, List<Input> inputs, End end) {

    /** How a split ends: an all-reduce of partial sums, a gather of vocabulary slices, a copy to the next device, or nothing. */
    public enum End { REDUCE, CONCAT, COPY, NONE }

    /** One activation copied in: the producing node's label and its bytes per token. */
    public record Input(String tensor, long bytesPerToken) {}

    public int nodeCount() {
        return lastNode - firstNode + 1;
    }
}
