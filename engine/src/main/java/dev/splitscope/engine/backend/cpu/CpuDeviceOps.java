package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;

/**
 * One virtual CPU device: its own worker threads and its own memory accounting. Ops run synchronously on the
 * calling (host) thread, fanning rows out to the device's workers.
 */
public final class CpuDeviceOps implements DeviceOps {
    private final String name;
    private final CpuThreads threads;
    private long activationBytes;
    private long kvBytes;

    public CpuDeviceOps(String name, int nThreads) {
        this.name = name;
        this.threads = new CpuThreads(name, nThreads);
    }

    @Override
    public String name() {
        return name;
    }

    /** Bytes of activations and KV this device has allocated (weights are mapped, not counted here). */
    public long allocatedBytes() {
        return activationBytes + kvBytes;
    }

    @Override
    public Act alloc(int capacity, int width) {
        activationBytes += 4L * capacity * width;
        return new CpuAct(capacity, width);
    }

    @Override
    public Weight weight(WeightView view) {
        return new CpuWeight(view);
    }

    @Override
    public KvCache allocKv(boolean[] layers, int cells, int kvHeads, int headDim, QuantType kvType) {
        CpuKvCache kv = new CpuKvCache(layers, cells, kvHeads, headDim, kvType);
        kvBytes += kv.bytes();
        return kv;
    }

    private static float[] a(Act x) {
        return ((CpuAct) x).data();
    }

    @Override
    public void upload(float[] src, int tokens, Act dst) {
        System.arraycopy(src, 0, a(dst), 0, tokens * dst.width());
    }

    @Override
    public void download(Act src, int tokens, float[] dst) {
        System.arraycopy(a(src), 0, dst, 0, tokens * src.width());
    }

    @Override
    public void copyRow(Act src, int srcToken, Act dst, int dstToken) {
        System.arraycopy(a(src), srcToken * src.width(), a(dst), dstToken * dst.width(), src.width());
    }

    @Override
    public void getRows(Weight table, int[] ids, Act out) {
        WeightView v = table.view();
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= v.rows())
                throw new IllegalArgumentException("token id " + ids[t] + " is outside the vocabulary (0.." + (v.rows() - 1) + ")");
            QuantCodecs.dequantize(v.type(), v.data(), v.rowOffset(ids[t]), a(out), t * out.width(), v.cols());
        }
    }

    @Override
    public void rmsNorm(Act x, Weight w, float eps, int tokens, int group, Act out) {
        float[] wd = ((CpuWeight) w).dense();
        float[] xd = a(x), od = a(out);
        int groups = tokens * x.width() / group;
        for (int g = 0; g < groups; g++) CpuOps.rmsNorm(xd, g * group, wd, od, g * group, group, eps);
    }

    @Override
    public void matmul(Weight w, Act x, int tokens, Act out) {
        WeightView v = w.view();
        if (v.rows() == 0 || v.cols() == 0) {
            java.util.Arrays.fill(a(out), 0, tokens * out.width(), 0f);
            return;
        }
        CpuMatmul.matmul(v, a(x), 0, x.width(), tokens, a(out), 0, out.width(), threads);
    }

    @Override
    public void addBias(Act x, Weight bias, int tokens) {
        float[] b = ((CpuWeight) bias).dense();
        float[] xd = a(x);
        for (int t = 0; t < tokens; t++) CpuOps.add(xd, t * x.width(), b, 0, xd, t * x.width(), x.width());
    }

    @Override
    public void add(Act x, Act y, int tokens, Act out) {
        CpuOps.add(a(x), 0, a(y), 0, a(out), 0, tokens * x.width());
    }

    @Override
    public void rope(Act x, int tokens, int heads, int headDim, int ropeDim, boolean neox, float theta, int pos0, Weight freqFactors) {
        float[] xd = a(x);
        float[] factors = freqFactors == null ? null : ((CpuWeight) freqFactors).dense();
        for (int t = 0; t < tokens; t++)
            CpuOps.rope(xd, t * x.width(), heads, headDim, ropeDim, pos0 + t, theta, factors, neox);
    }

    @Override
    public void attention(Act q, Act k, Act v, KvCache kv, int layer, int tokens, int pos0, int headDim, int[] kvOf, Act out) {
        CpuKvCache cache = (CpuKvCache) kv;
        if (pos0 + tokens > cache.cells())
            throw new IllegalStateException("context full: " + (pos0 + tokens) + " positions needed, the KV cache holds " + cache.cells());
        for (int t = 0; t < tokens; t++) {
            cache.store(layer, false, pos0 + t, a(k), t * k.width());
            cache.store(layer, true, pos0 + t, a(v), t * v.width());
        }
        CpuAttention.run(cache, layer, a(q), q.width(), tokens, pos0, headDim, kvOf, a(out), out.width(), threads);
    }

    @Override
    public void swiglu(Act gate, Act up, int tokens, Act out) {
        CpuOps.swiglu(a(gate), 0, a(up), 0, a(out), 0, tokens * gate.width());
    }

    @Override
    public void moeRoute(Act logits, int tokens, int nExpert, int k, boolean renorm, Act out) {
        for (int t = 0; t < tokens; t++)
            CpuMoe.route(a(logits), t * logits.width(), nExpert, k, renorm, a(out), t * out.width());
    }

    @Override
    public void moeFfn(Weight[] gate, Weight[] up, Weight[] down, Act x, Act route, int k, int tokens, Act out) {
        CpuMoe.ffn(gate, up, down, a(x), x.width(), a(route), route.width(), k, tokens, a(out), out.width(), threads);
    }

    @Override
    public void synchronize() {
        // CPU ops are synchronous.
    }

    @Override
    public void close() {
        threads.close();
    }
}
