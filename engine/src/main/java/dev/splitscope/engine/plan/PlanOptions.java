package dev.splitscope.engine.plan;

import dev.splitscope.engine.quant.QuantType;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the planner is asked for. {@code tensorSplit} null means "in proportion to device memory" (equal when any
 * device's memory is unknown). {@code batch} is the number of tokens in one forward step (1 = decoding); comm and the
 * compute-buffer estimate scale with it. {@code link} null means the slowest link of the devices.
 * {@code allowEmptySplits} turns an empty split from an error into a warning (the device then idles on that part).
 */
public record PlanOptions(SplitMode mode, double[] tensorSplit, QuantType reduceType, int ctx, QuantType kvType,
                          int batch, LinkSpec link, boolean allowEmptySplits) {
    public static final Set<QuantType> REDUCE_TYPES = EnumSet.of(QuantType.F32, QuantType.F16, QuantType.BF16);
    public static final Set<QuantType> KV_TYPES = EnumSet.of(QuantType.F32, QuantType.F16, QuantType.BF16, QuantType.Q8_0);

    public PlanOptions {
        if (mode == null) throw new IllegalArgumentException("split mode is required");
        if (!REDUCE_TYPES.contains(reduceType))
            throw new IllegalArgumentException("reduce type " + reduceType + " is not one of f32, f16, bf16");
        if (!KV_TYPES.contains(kvType))
            throw new IllegalArgumentException("kv type " + kvType + " is not one of f32, f16, bf16, q8_0");
        if (ctx <= 0) throw new IllegalArgumentException("context length must be > 0, got " + ctx);
        if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, got " + batch);
        if (tensorSplit != null) {
            tensorSplit = tensorSplit.clone();
            double sum = 0;
            for (double f : tensorSplit) {
                if (!(f >= 0) || Double.isInfinite(f))
                    throw new IllegalArgumentException("tensor-split fractions must be finite and >= 0: " + Arrays.toString(tensorSplit));
                sum += f;
            }
            if (!(sum > 0)) throw new IllegalArgumentException("tensor-split fractions sum to 0");
        }
    }

    /** Defaults: f32 reduce, ctx 4096, f16 KV, batch 1, fractions by memory, links from the devices, empty splits are errors. */
    public static PlanOptions of(SplitMode mode) {
        return new PlanOptions(mode, null, QuantType.F32, 4096, QuantType.F16, 1, null, false);
    }

    public PlanOptions withTensorSplit(double... fractions) {
        return new PlanOptions(mode, fractions, reduceType, ctx, kvType, batch, link, allowEmptySplits);
    }

    public PlanOptions withReduceType(QuantType t) {
        return new PlanOptions(mode, tensorSplit, t, ctx, kvType, batch, link, allowEmptySplits);
    }

    public PlanOptions withCtx(int n) {
        return new PlanOptions(mode, tensorSplit, reduceType, n, kvType, batch, link, allowEmptySplits);
    }

    public PlanOptions withKvType(QuantType t) {
        return new PlanOptions(mode, tensorSplit, reduceType, ctx, t, batch, link, allowEmptySplits);
    }

    public PlanOptions withBatch(int b) {
        return new PlanOptions(mode, tensorSplit, reduceType, ctx, kvType, b, link, allowEmptySplits);
    }

    public PlanOptions withLink(LinkSpec l) {
        return new PlanOptions(mode, tensorSplit, reduceType, ctx, kvType, batch, l, allowEmptySplits);
    }

    public PlanOptions withAllowEmptySplits(boolean allow) {
        return new PlanOptions(mode, tensorSplit, reduceType, ctx, kvType, batch, link, allow);
    }

    @Override
    public double[] tensorSplit() {
        return tensorSplit == null ? null : tensorSplit.clone();
    }
}
