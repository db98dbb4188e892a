package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The KV cache layout: in graph mode each device stores, for every layer, the K and V of its own kv heads for every
 * cell; otherwise a layer's whole cache lives with the layer. A kv head costs K + V = 2 x head_dim values per token.
 */
final class KvBuilder {
    private KvBuilder() {}

    static KvPlan build(ModelSpec s, PlanOptions o, int[] layerDevice, List<DeviceShard> shards, List<PlanIssue> issues) {
        QuantType t = o.kvType();
        if (s.headDim() % t.blockSize != 0)
            issues.add(PlanIssue.error(PlanIssue.KV_TYPE, String.format(Locale.ROOT,
                    "KV type %s needs head_dim to be a multiple of %d, but %s has head_dim %d; use f16 or f32",
                    t, t.blockSize, s.name(), s.headDim())));
        long headBytes = 2 * Math.ceilDiv(s.headDim(), t.blockSize) * (long) t.blockBytes; // K and V of one head, one token
        List<KvEntry> entries = new ArrayList<>();
        for (int l = 0; l < s.nLayer(); l++) {
            if (o.mode() == SplitMode.GRAPH) {
                for (DeviceShard sh : shards) entries.add(entry(l, sh.device(), sh.kvHeads(), headBytes, o.ctx()));
            } else {
                entries.add(entry(l, layerDevice[l], new Range(0, s.nHeadKv()), headBytes, o.ctx()));
            }
        }
        return new KvPlan(t, o.ctx(), entries);
    }

    private static KvEntry entry(int layer, int device, Range heads, long headBytes, int ctx) {
        long perToken = heads.length() * headBytes;
        return new KvEntry(layer, device, heads, perToken, Math.multiplyExact(perToken, (long) ctx));
    }
}
