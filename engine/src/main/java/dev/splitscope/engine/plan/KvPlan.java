package dev.splitscope.engine.plan;

import dev.splitscope.engine.quant.QuantType;

import java.util.List;

/** The KV-cache layout: one entry per (layer, device) that stores kv heads of that layer. */
public record KvPlan(QuantType type, int ctx, List<KvEntry> entries) {

    public KvPlan {
        entries = List.copyOf(entries);
    }

    /** K+V bytes per token on one device, over all layers. */
    public long bytesPerToken(int device) {
        long b = 0;
        for (KvEntry e : entries) if (e.device() == device) b += e.bytesPerToken();
        return b;
    }

    /** K+V bytes per token, all devices (replicated kv heads counted once per device that holds them). */
    public long bytesPerToken() {
        long b = 0;
        for (KvEntry e : entries) b += e.bytesPerToken();
        return b;
    }

    /** Bytes on one device at the plan's context length. */
    public long bytesAtCtx(int device) {
        return Math.multiplyExact(bytesPerToken(device), (long) ctx);
    }

    /** The same layout at another context length ("what if I ran 32k?"). */
    public KvPlan whatIf(int newCtx) {
        if (newCtx <= 0) throw new IllegalArgumentException("context length must be > 0, got " + newCtx);
        return new KvPlan(type, newCtx, entries.stream()
                .map(e -> new KvEntry(e.layer(), e.device(), e.kvHeads(), e.bytesPerToken(), e.bytesAt(newCtx))).toList());
    }

    /** The entries of one layer. */
    public List<KvEntry> layer(int layer) {
        return entries.stream().filter(e -> e.layer() == layer).toList();
    }
}
