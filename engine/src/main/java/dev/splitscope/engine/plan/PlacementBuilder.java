package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns tensors into placement rows: per device slices in graph mode, whole tensors on their layer's device in layer
 * and none mode. Byte counts are exact: a slice of dim 0 is whole blocks times rows, a slice of a higher dim is whole
 * rows. Graph mode replicates a small tensor only to the devices that use it (attn_norm where there are heads, etc.).
 */
final class PlacementBuilder {
    private final ModelSpec spec;
    private final List<Placement> out = new ArrayList<>();
    private final List<PlanIssue> issues = new ArrayList<>();

    PlacementBuilder(ModelSpec spec) {
        this.spec = spec;
    }

    List<Placement> placements() {
        return out;
    }

    List<PlanIssue> issues() {
        return issues;
    }

    /** NONE and LAYER: every per-layer tensor on its layer's device, token_embd on device 0, the head on {@code last}. */
    void wholeTensors(List<TensorDesc> tensors, int[] layerDevice, int last) {
        for (TensorDesc t : tensors) {
            if (t.role() == TensorRole.TOKEN_EMBD) {
                whole(t, 0);
                if (spec.tiedOutput() && last != 0) whole(t, last); // the tied lm_head reads token_embd on the last device
            } else if (t.layer() >= 0 && t.layer() < layerDevice.length) {
                whole(t, layerDevice[t.layer()]);
            } else if (t.role() == null || t.role() == TensorRole.ROPE_FREQS) {
                // an unknown top-level tensor (rope_freqs, ...) may be needed by any layer: every device that runs one
                java.util.BitSet users = new java.util.BitSet();
                users.set(0);
                for (int d : layerDevice) users.set(d);
                users.stream().forEach(d -> whole(t, d));
            } else {
                whole(t, last);
            }
        }
    }

    /** GRAPH: each tensor sliced (or replicated) per DESIGN.md §3 according to the devices' shards. */
    void graph(List<TensorDesc> tensors, List<DeviceShard> shards) {
        for (TensorDesc t : tensors) {
            if (t.role() == null) {
                for (DeviceShard s : shards) if (!s.isIdle() || s.device() == 0) whole(t, s.device());
                continue;
            }
            switch (t.role()) {
                case TOKEN_EMBD -> {
                    for (DeviceShard s : shards)
                        if (s.device() == 0 || (spec.tiedOutput() && !s.vocab().isEmpty())) whole(t, s.device());
                }
                case ATTN_NORM, ATTN_Q_NORM, ATTN_K_NORM, ROPE_FREQS -> replicateWhere(t, shards, s -> !s.qHeads().isEmpty());
                case FFN_NORM -> replicateWhere(t, shards, s -> !s.ff().isEmpty() || !s.ffExp().isEmpty());
                case FFN_GATE_INP -> replicateWhere(t, shards, s -> !s.ffExp().isEmpty());
                case OUTPUT_NORM -> replicateWhere(t, shards, s -> !s.vocab().isEmpty());
                case ATTN_Q -> sliced(t, shards, 1, spec.qDim(), s -> s.qHeads().times(spec.headDim()), false);
                case ATTN_Q_BIAS -> sliced(t, shards, 0, spec.qDim(), s -> s.qHeads().times(spec.headDim()), false);
                case ATTN_K, ATTN_V -> sliced(t, shards, 1, spec.kvDim(), s -> s.kvHeads().times(spec.headDim()), false);
                case ATTN_K_BIAS, ATTN_V_BIAS -> sliced(t, shards, 0, spec.kvDim(), s -> s.kvHeads().times(spec.headDim()), false);
                case ATTN_OUTPUT -> sliced(t, shards, 0, spec.qDim(), s -> s.qHeads().times(spec.headDim()), true);
                case FFN_GATE, FFN_UP -> sliced(t, shards, 1, spec.nFf(), DeviceShard::ff, false);
                case FFN_DOWN -> sliced(t, shards, 0, spec.nFf(), DeviceShard::ff, true);
                case FFN_GATE_EXPS, FFN_UP_EXPS -> sliced(t, shards, 1, spec.nFfExp(), DeviceShard::ffExp, false);
                case FFN_DOWN_EXPS -> sliced(t, shards, 0, spec.nFfExp(), DeviceShard::ffExp, true);
                case OUTPUT -> sliced(t, shards, 1, spec.nVocab(), DeviceShard::vocab, false);
            }
        }
    }

    private void replicateWhere(TensorDesc t, List<DeviceShard> shards, java.util.function.Predicate<DeviceShard> uses) {
        for (DeviceShard s : shards) if (uses.test(s)) whole(t, s.device());
    }

    private void sliced(TensorDesc t, List<DeviceShard> shards, int dim, int expected,
                        java.util.function.Function<DeviceShard, Range> range, boolean partial) {
        if (t.dims().length <= dim || t.dims()[dim] != expected) {
            issues.add(PlanIssue.error(PlanIssue.SHAPE_MISMATCH, String.format(Locale.ROOT,
                    "%s has dims %s but the model's hyperparameters give %d along dim %d; it cannot be split",
                    t.name(), Placement.shape(t.dims()), expected, dim)));
            for (DeviceShard s : shards) whole(t, s.device());
            return;
        }
        boolean replicatedKv = (t.role() == TensorRole.ATTN_K || t.role() == TensorRole.ATTN_V || t.role() == TensorRole.ATTN_K_BIAS
                || t.role() == TensorRole.ATTN_V_BIAS) && shards.stream().anyMatch(DeviceShard::kvReplicated);
        Sharding sh = partial ? new Sharding.Partial(dim) : replicatedKv ? new Sharding.ReplicatedShard(dim) : new Sharding.Shard(dim);
        for (DeviceShard s : shards) {
            Range r = range.apply(s);
            out.add(new Placement(t.name(), t.layer(), t.role(), t.type(), t.dims(), s.device(), sh, r, sliceBytes(t, dim, r)));
        }
    }

    private void whole(TensorDesc t, int device) {
        out.add(new Placement(t.name(), t.layer(), t.role(), t.type(), t.dims(), device, Sharding.REPLICATE,
                Range.of(0, t.dims().length == 0 ? 1 : t.dims()[0]), t.byteSize()));
    }

    /**
     * Exact bytes of a slice along {@code dim}: for dim 0 whole blocks of the slice per row (a misaligned slice is
     * rounded up here and reported by the alignment pass), otherwise whole rows.
     */
    static long sliceBytes(TensorDesc t, int dim, Range r) {
        long[] d = t.dims();
        long rows = 1;
        for (int i = 1; i < d.length; i++) rows = Math.multiplyExact(rows, i == dim ? r.length() : d[i]);
        long rowElems = dim == 0 ? r.length() : d[0];
        long blocks = Math.ceilDiv(rowElems, t.type().blockSize);
        return Math.multiplyExact(Math.multiplyExact(blocks, (long) t.type().blockBytes), rows);
    }
}
