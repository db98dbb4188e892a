package dev.splitscope.engine.quant;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Base of the codecs: checks the arguments once, with messages that name the type and the range, then walks the
 * blocks. Subclasses decode (and optionally encode) exactly one block at a time.
 */
abstract class BlockCodec implements QuantCodec {
    private final QuantType type;

    BlockCodec(QuantType type) {
        this.type = type;
    }

    @Override
    public final QuantType type() {
        return type;
    }

    /** Decodes one block at {@code off} into {@code dst[d..d+blockSize)}. */
    abstract void decodeBlock(MemorySegment src, long off, float[] dst, int d);

    /** Encodes {@code src[s..s+blockSize)} into one block at {@code off}; {@code scratch} comes from {@link #newScratch}. */
    void encodeBlock(float[] src, int s, MemorySegment dst, long off, Object scratch) {
        QuantCodec.super.quantize(src, s, type.blockSize, dst, off);
    }

    /** Per-call working memory for the encoder (so codecs stay stateless and encoding allocates once per call). */
    Object newScratch() {
        return null;
    }

    @Override
    public final void dequantize(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n) {
        check(src, byteOffset, dst.length, dstOff, n, "dequantize");
        int bs = type.blockSize;
        long bb = type.blockBytes;
        for (int i = 0; i < n; i += bs, byteOffset += bb) decodeBlock(src, byteOffset, dst, dstOff + i);
    }

    @Override
    public final void quantize(float[] src, int srcOff, int n, MemorySegment dst, long byteOffset) {
        if (!canQuantize()) QuantCodec.super.quantize(src, srcOff, n, dst, byteOffset);
        if (dst.isReadOnly()) throw new IllegalArgumentException("quantize " + type + ": destination segment is read-only");
        check(dst, byteOffset, src.length, srcOff, n, "quantize");
        Object scratch = newScratch();
        int bs = type.blockSize;
        long bb = type.blockBytes;
        for (int i = 0; i < n; i += bs, byteOffset += bb) encodeBlock(src, srcOff + i, dst, byteOffset, scratch);
    }

    private void check(MemorySegment seg, long byteOffset, int arrayLength, int arrayOff, int n, String what) {
        Objects.requireNonNull(seg, "segment");
        if (n < 0 || n % type.blockSize != 0)
            throw new IllegalArgumentException(what + " " + type + ": n=" + n + " is not a multiple of the block size " + type.blockSize);
        Objects.checkFromIndexSize(arrayOff, n, arrayLength);
        long bytes = type.bytesFor(n);
        if (byteOffset < 0 || byteOffset > seg.byteSize() - bytes)
            throw new IndexOutOfBoundsException(what + " " + type + ": " + bytes + " bytes at offset " + byteOffset
                    + " run past the segment of " + seg.byteSize() + " bytes");
    }
}
