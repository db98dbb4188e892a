package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;

/**
 * A rough compute-buffer estimate: the f32 activations of the largest layer a device runs, for one step of
 * {@code batch} tokens, since layers run one after another and reuse the buffer (as ggml's graph allocator does).
 */
public final class ComputeEstimate {
    /** How the estimate is made, for tables and reports. */
    public static final String METHOD = "f32 activations of one layer for one batch, reused across layers: "
            + "4 x n_embd (residual, norm, attention out, FFN out) + local q + 2 x local kv + 3 x local ff (gate, up, product) "
            + "+ local heads x ctx (attention scores) + router logits, plus local logits on a device with lm_head rows, "
            + "plus two reduce buffers of n_embd in the reduce type in graph mode. Dequantisation scratch is not counted.";

    private ComputeEstimate() {}

    /**
     * @param qHeads   query heads this device computes (all of them outside graph mode), 0 if it runs no layer
     * @param kvHeads  kv heads it holds
     * @param ffCols   FFN columns it computes per token (for MoE: its slice of n_ff_exp x experts used)
     * @param vocab    lm_head rows it computes
     * @param reduceElemBytes element size of the reduce type, 0 outside graph mode
     */
    public static long bytes(ModelSpec s, int batch, int ctx, int qHeads, int kvHeads, long ffCols, int vocab,
                             int reduceElemBytes) {
        boolean runsLayers = qHeads > 0 || ffCols > 0;
        long perToken = 0;
        if (runsLayers) {
            perToken = 4L * s.nEmbd() + (long) qHeads * s.headDim() + 2L * kvHeads * s.headDim() + 3L * ffCols
                    + (long) qHeads * ctx + s.nExpert();
        }
        perToken += vocab;
        if (vocab > 0 && !runsLayers) perToken += s.nEmbd(); // the normed hidden state the lm_head reads
        long bytes = 4L * batch * perToken;
        if (reduceElemBytes > 0) bytes += 2L * s.nEmbd() * batch * reduceElemBytes;
        return bytes;
    }
}
