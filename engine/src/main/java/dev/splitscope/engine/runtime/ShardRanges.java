package dev.splitscope.engine.runtime;

import dev.splitscope.engine.model.ModelSpec;

/**
 * What one device of a tensor-parallel (graph split) group computes: its query heads, the kv heads they use,
 * its slice of the dense FFN, of every expert's FFN, and of the vocabulary.
 */
public record ShardRanges(Range qHeads, Range kvHeads, Range ff, Range ffExp, Range vocab) {

    /** The whole model on one device. */
    public static ShardRanges whole(ModelSpec s) {
        return new ShardRanges(new Range(0, s.nHead()), new Range(0, s.nHeadKv()), new Range(0, s.nFf()),
                new Range(0, s.nFfExp()), new Range(0, s.nVocab()));
    }

    /** The local kv head used by each local query head (kv heads follow their query groups). */
    public int[] kvOf(int gqa) {
        int[] r = new int[qHeads.size()];
        for (int i = 0; i < r.length; i++) r[i] = (qHeads.start() + i) / gqa - kvHeads.start();
        return r;
    }
}
