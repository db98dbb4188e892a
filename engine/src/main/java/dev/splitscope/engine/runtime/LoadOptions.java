package dev.splitscope.engine.runtime;

import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;

/**
 * How to load a model: on which devices ("cpu:2", "cuda:0,cuda:0"), split how, with which context length, reduce
 * type and KV type. {@code threads} are worker threads per CPU device (0: share the host's cores);
 * {@code reducePath} how tensor-parallel partial sums meet (AUTO: on the devices where they can, else the host).
 */
public record LoadOptions(String devices, SplitMode split, double[] tensorSplit, int ctx, ReduceType reduce,
                          QuantType kvType, int threads, int batch, ReducePath reducePath) {

    public LoadOptions {
        if (ctx <= 0) throw new IllegalArgumentException("context length must be > 0, got " + ctx);
        if (threads < 0) throw new IllegalArgumentException("threads per CPU device must be >= 0 (0: share the cores), got " + threads);
        if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, got " + batch);
        if (kvType != QuantType.F32 && kvType != QuantType.F16)
            throw new IllegalArgumentException("KV type " + kvType + " is not supported for execution; use f32 or f16");
    }

    /** One CPU device, no split, context 512, f32 reduce, f32 KV. */
    public static LoadOptions defaults() {
        return new LoadOptions("cpu:1", SplitMode.NONE, null, 512, ReduceType.F32, QuantType.F32, 0, 64, ReducePath.AUTO);
    }

    public LoadOptions on(String devices, SplitMode split) {
        return new LoadOptions(devices, split, tensorSplit, ctx, reduce, kvType, threads, batch, reducePath);
    }

    public LoadOptions withTensorSplit(double[] fractions) {
        return new LoadOptions(devices, split, fractions, ctx, reduce, kvType, threads, batch, reducePath);
    }

    public LoadOptions withCtx(int n) {
        return new LoadOptions(devices, split, tensorSplit, n, reduce, kvType, threads, batch, reducePath);
    }

    public LoadOptions withReduce(ReduceType r) {
        return new LoadOptions(devices, split, tensorSplit, ctx, r, kvType, threads, batch, reducePath);
    }

    public LoadOptions withKvType(QuantType t) {
        return new LoadOptions(devices, split, tensorSplit, ctx, reduce, t, threads, batch, reducePath);
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(devices, split, tensorSplit, ctx, reduce, kvType, n, batch, reducePath);
    }

    public LoadOptions withBatch(int n) {
        return new LoadOptions(devices, split, tensorSplit, ctx, reduce, kvType, threads, n, reducePath);
    }

    public LoadOptions withReducePath(ReducePath p) {
        return new LoadOptions(devices, split, tensorSplit, ctx, reduce, kvType, threads, batch, p);
    }
}
