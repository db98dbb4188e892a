package dev.splitscope.engine.plan;

/**
 * The KV cache one device stores for one layer: its kv heads, and K plus V bytes per token (in the plan's KV type)
 * and at the plan's context length.
 */
public record KvEntry(int layer, int device, Range kvHeads, long bytesPerToken, long bytesAtCtx) {

    /** Bytes this entry needs at another context length. */
    public long bytesAt(int ctx) {
        return Math.multiplyExact(bytesPerToken, (long) ctx);
    }
}
