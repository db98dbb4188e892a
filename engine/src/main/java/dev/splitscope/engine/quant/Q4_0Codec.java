package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0: 32 values per block, symmetric 4-bit with offset 8.
 * <pre>
 * block (18 bytes)
 *   0  f16  d       scale
 *   2  u8   qs[16]  low nibble of qs[j] is value j, high nibble is value j+16; x = (nibble - 8) * d
 * </pre>
 * The quantizer follows ggml's reference: the value of largest magnitude (first one on ties) maps to -8, so
 * d = max / -8, and q = min(15, trunc(x * (1/d) + 8.5)). The sum x * (1/d) + 8.5 is rounded to float only once
 * (exact product in double), as a fused multiply-add does in the compiled C reference and as gguf-py emulates it;
 * this reproduces both tools' files.
 */
public final class Q4_0Codec extends BlockCodec {
    public Q4_0Codec() {
        super(QuantType.Q4_0);
    }

    @Override
    void decodeBlock(MemorySegment src, long off, float[] dst, int d) {
        float scale = Le.half(src, off);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, off + 2 + j);
            dst[d + j] = ((q & 0xf) - 8) * scale;
            dst[d + j + 16] = ((q >>> 4) - 8) * scale;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        float amax = 0f, max = 0f;
        for (int j = 0; j < 32; j++) {
            float v = src[s + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        Le.putHalf(dst, off, d);
        for (int j = 0; j < 16; j++) {
            int lo = quant(src[s + j], id);
            int hi = quant(src[s + j + 16], id);
            Le.put8(dst, off + 2 + j, lo | (hi << 4));
        }
    }

    private static int quant(float x, float id) {
        int q = (int) (float) ((double) x * id + 8.5); // one rounding to float, then truncation; the sum is >= 0.5 here
        return Math.min(15, Math.max(0, q));
    }
}
