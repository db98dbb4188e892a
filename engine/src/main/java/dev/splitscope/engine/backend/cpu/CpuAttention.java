package dev.splitscope.engine.backend.cpu;

/** Causal GQA attention over a CPU KV shard, one (token, head) pair per work item. */
final class CpuAttention {
    private CpuAttention() {}

    static void run(CpuKvCache cache, int layer, float[] q, int qWidth, int tokens, int pos0, int headDim,
                    int[] kvOf, float[] out, int outWidth, CpuThreads threads) {
        int heads = kvOf.length;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        threads.parallelFor(tokens * heads, (i0, i1) -> {
            float[] kv = new float[headDim];
            float[] scores = new float[pos0 + tokens];
            for (int i = i0; i < i1; i++) {
                int t = i / heads, h = i % heads, pos = pos0 + t;
                int qo = t * qWidth + h * headDim, oo = t * outWidth + h * headDim;
                for (int p = 0; p <= pos; p++) {
                    cache.load(layer, false, p, kvOf[h], kv);
                    float s = 0;
                    for (int d = 0; d < headDim; d++) s += q[qo + d] * kv[d];
                    scores[p] = s * scale;
                }
                CpuOps.softmax(scores, 0, pos + 1);
                java.util.Arrays.fill(out, oo, oo + headDim, 0f);
                for (int p = 0; p <= pos; p++) {
                    cache.load(layer, true, p, kvOf[h], kv);
                    float wgt = scores[p];
                    for (int d = 0; d < headDim; d++) out[oo + d] += wgt * kv[d];
                }
            }
        });
    }
}
