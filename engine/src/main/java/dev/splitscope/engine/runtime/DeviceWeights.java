package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.plan.Range;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorRole;

import java.util.HashMap;
import java.util.Map;

/**
 * The weights one device uses, sliced as its {@link DeviceShard} say: column-parallel matrices by rows (outputs),
 * row-parallel ones by columns (inputs), experts by their FFN rows. Slices are zero-copy views of the mapped file.
 */
final class DeviceWeights {
    private final GgufFile file;
    private final ModelSpec spec;
    private final DeviceShard r;
    private final DeviceOps ops;
    private final Map<String, DeviceOps.Weight> cache = new HashMap<>();
    private long bytes;

    DeviceWeights(GgufFile file, ModelSpec spec, DeviceShard r, DeviceOps ops) {
        this.file = file;
        this.spec = spec;
        this.r = r;
        this.ops = ops;
    }

    /** Bytes of weights this device reads. */
    long bytes() {
        return bytes;
    }

    DeviceOps.Weight get(TensorRole role, int layer) {
        return cache.computeIfAbsent(role.tensorName(layer), k -> upload(slice(role, full(role, layer))));
    }

    /** Expert e's gate/up/down slice. */
    DeviceOps.Weight expert(TensorRole role, int layer, int e) {
        return cache.computeIfAbsent(role.tensorName(layer) + "#" + e, k -> upload(expertSlice(role, full(role, layer), e)));
    }

    private DeviceOps.Weight upload(WeightView v) {
        bytes += v.byteSize();
        return ops.weight(v);
    }

    private WeightView full(TensorRole role, int layer) {
        GgufTensorInfo t = file.tensor(role.tensorName(layer));
        long rows = t.rowCount();
        if (rows > Integer.MAX_VALUE || t.rowLength() > Integer.MAX_VALUE)
            throw new IllegalArgumentException("tensor " + t.name() + " " + t.shapeString() + " is too large for one view");
        return WeightView.of(file.tensorData(t), t.type(), (int) rows, (int) t.rowLength());
    }

    private WeightView slice(TensorRole role, WeightView v) {
        int hd = spec.headDim();
        return switch (role) {
            case ATTN_Q -> v.rows(r.qHeads().start() * hd, r.qHeads().end() * hd);
            case ATTN_Q_BIAS -> v.cols(r.qHeads().start() * hd, r.qHeads().end() * hd);
            case ATTN_K, ATTN_V -> v.rows(r.kvHeads().start() * hd, r.kvHeads().end() * hd);
            case ATTN_K_BIAS, ATTN_V_BIAS -> v.cols(r.kvHeads().start() * hd, r.kvHeads().end() * hd);
            case ATTN_OUTPUT -> v.cols(r.qHeads().start() * hd, r.qHeads().end() * hd);
            case FFN_GATE, FFN_UP -> v.rows(r.ff().start(), r.ff().end());
            case FFN_DOWN -> v.cols(r.ff().start(), r.ff().end());
            case OUTPUT -> v.rows(r.vocab().start(), r.vocab().end());
            default -> v;
        };
    }

    /** The lm_head when it is tied to the token embedding: the embedding's vocab rows. */
    DeviceOps.Weight tiedHead() {
        return cache.computeIfAbsent("tied_head", k -> upload(full(TensorRole.TOKEN_EMBD, -1).rows(r.vocab().start(), r.vocab().end())));
    }

    private WeightView expertSlice(TensorRole role, WeightView v, int e) {
        int ffExp = spec.nFfExp(), embd = spec.nEmbd();
        Range f = r.ffExp();
        return switch (role) {
            case FFN_GATE_EXPS, FFN_UP_EXPS -> v.rows(e * ffExp + f.start(), e * ffExp + f.end());
            case FFN_DOWN_EXPS -> v.rows(e * embd, (e + 1) * embd).cols(f.start(), f.end());
            default -> throw new IllegalArgumentException(role + " is not an expert tensor");
        };
    }
}
