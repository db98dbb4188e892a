package dev.splitscope.engine.plan;

/**
 * One communication of a forward step. {@code payloadBytes} is the tensor being reduced or moved
 * (n_embd × batch × element size for a reduce); {@code wireBytes} is what the busiest device sends over its link
 * (p-1 × payload for a one-shot all-reduce, 2(p-1)/p × payload for two-shot or a ring: {@link AllReduceForm}); {@code seconds} is
 * the estimate on the plan's link.
 * {@code fromDevice}/{@code toDevice} are -1 for a collective over all devices.
 */
public record CommStep(int layer, String after, Kind kind, int fromDevice, int toDevice, long payloadBytes,
                       long wireBytes, double seconds) {

    /** What kind of transfer. */
    public enum Kind {
        /** Sum of partial results, every device gets the sum (graph mode, after attn_output and ffn_down). */
        ALL_REDUCE,
        /** Device 0's embedded tokens to every other device (graph mode: token_embd lives on device 0 only). */
        BROADCAST,
        /** Every device's logits slice to device 0 (graph mode, after the lm_head). */
        GATHER,
        /** The hidden state from one device to the next (layer mode, at a device boundary). */
        COPY
    }
}
