package dev.splitscope.engine.plan;

/**
 * The slice of every layer one device computes in graph mode. Ranges are in units: {@code qHeads} and
 * {@code kvHeads} in heads (multiply by head_dim for rows), {@code ff} over n_ff (dense FFN), {@code ffExp} over
 * n_ff_exp (the same slice of every expert), {@code vocab} over n_vocab (lm_head rows). Unused ranges are empty.
 * {@code kvReplicated} says that some of this device's kv heads are also held by another device (tp > n_kv_heads).
 */
public record DeviceShard(int device, Range qHeads, Range kvHeads, boolean kvReplicated, Range ff, Range ffExp,
                          Range vocab) {

    /** True when this device has no attention, no FFN and no vocab slice at all. */
    public boolean isIdle() {
        return qHeads.isEmpty() && ff.isEmpty() && ffExp.isEmpty() && vocab.isEmpty();
    }
}
