package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.DeviceOps;

/**
 * A GPU's KV shard: per layer held here, K and V of {@code cells} positions x kvHeads x headDim, stored as f16
 * (an F32 request is served in f16 too, as llama.cpp's default cache is).
 */
final class CudaKvCache implements DeviceOps.KvCache, AutoCloseable {
    private final int cells, kvHeads, headDim;
    private final DeviceBuffer[] k, v;
    private long bytes;

    CudaKvCache(boolean[] layers, int cells, int kvHeads, int headDim) {
        this.cells = cells;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        k = new DeviceBuffer[layers.length];
        v = new DeviceBuffer[layers.length];
        long perLayer = 2L * cells * kvHeads * headDim;
        for (int l = 0; l < layers.length; l++) {
            if (!layers[l]) continue;
            k[l] = DeviceBuffer.allocate(perLayer);
            v[l] = DeviceBuffer.allocate(perLayer);
            bytes += 2 * perLayer;
        }
    }

    long k(int layer) {
        return layerBuffer(k, layer).address();
    }

    long v(int layer) {
        return layerBuffer(v, layer).address();
    }

    private DeviceBuffer layerBuffer(DeviceBuffer[] a, int layer) {
        if (a[layer] == null) throw new IllegalStateException("layer " + layer + " has no KV cache on this device");
        return a[layer];
    }

    @Override public int cells() { return cells; }
    @Override public int kvHeads() { return kvHeads; }
    @Override public long bytes() { return bytes; }
    int headDim() { return headDim; }

    @Override
    public void close() {
        for (DeviceBuffer b : k) if (b != null) b.close();
        for (DeviceBuffer b : v) if (b != null) b.close();
    }
}
