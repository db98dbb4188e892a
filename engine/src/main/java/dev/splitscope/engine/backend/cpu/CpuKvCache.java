package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.quant.Fp16;
import dev.splitscope.engine.quant.QuantType;

/**
 * A CPU device's KV shard: per layer, K and V of {@code cells} positions × {@code kvHeads} × {@code headDim},
 * stored as f32 or f16 (bits in a short array).
 */
final class CpuKvCache implements DeviceOps.KvCache {
    private final int cells;
    private final int kvHeads;
    private final int headDim;
    private final boolean f16;
    private final float[][] k32, v32;
    private final short[][] k16, v16;
    private int layerCount;

    CpuKvCache(boolean[] layers, int cells, int kvHeads, int headDim, QuantType type) {
        if (type != QuantType.F32 && type != QuantType.F16)
            throw new IllegalArgumentException("KV cache type " + type + " is not supported on the CPU (use F32 or F16)");
        this.cells = cells;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.f16 = type == QuantType.F16;
        int n = Math.multiplyExact(cells, kvHeads * headDim);
        int nLayer = layers.length;
        k32 = f16 ? null : new float[nLayer][];
        v32 = f16 ? null : new float[nLayer][];
        k16 = f16 ? new short[nLayer][] : null;
        v16 = f16 ? new short[nLayer][] : null;
        for (int l = 0; l < nLayer; l++) {
            if (!layers[l]) continue;
            if (f16) { k16[l] = new short[n]; v16[l] = new short[n]; } else { k32[l] = new float[n]; v32[l] = new float[n]; }
            layerCount++;
        }
    }

    @Override
    public int cells() {
        return cells;
    }

    @Override
    public int kvHeads() {
        return kvHeads;
    }

    @Override
    public long bytes() {
        return 2L * layerCount * cells * kvHeads * headDim * (f16 ? 2 : 4);
    }

    /** Stores one position's k or v row (kvHeads × headDim floats from src at off). */
    void store(int layer, boolean isV, int pos, float[] src, int off) {
        int w = kvHeads * headDim, base = pos * w;
        if (f16) {
            short[] d = (isV ? v16 : k16)[layer];
            for (int i = 0; i < w; i++) d[base + i] = Fp16.fromFloat(src[off + i]);
        } else {
            System.arraycopy(src, off, (isV ? v32 : k32)[layer], base, w);
        }
    }

    boolean isF16() {
        return f16;
    }

    int headDim() {
        return headDim;
    }

    /** Layer's K (or V) as f32, [cell][kvHead][headDim]; null for an f16 cache or a layer held elsewhere. */
    float[] f32(int layer, boolean isV) {
        return f16 ? null : (isV ? v32 : k32)[layer];
    }

    /** Layer's K (or V) as IEEE half bits, [cell][kvHead][headDim]; null for an f32 cache. */
    short[] f16(int layer, boolean isV) {
        return f16 ? (isV ? v16 : k16)[layer] : null;
    }

    /** Copies head h of position pos into dst (headDim floats). */
    void load(int layer, boolean isV, int pos, int h, float[] dst) {
        int base = pos * kvHeads * headDim + h * headDim;
        if (f16) {
            short[] s = (isV ? v16 : k16)[layer];
            for (int i = 0; i < headDim; i++) dst[i] = Fp16.toFloat(s[base + i]);
        } else {
            System.arraycopy((isV ? v32 : k32)[layer], base, dst, 0, headDim);
        }
    }
}
