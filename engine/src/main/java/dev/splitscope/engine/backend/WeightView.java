package dev.splitscope.engine.backend;

import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.MemorySegment;

/**
 * A zero-copy 2-D view of a weight matrix in GGML layout: {@code rows} rows of {@code cols} elements, each row a run
 * of blocks starting at {@code offset + r * rowStride} bytes. Slicing rows or (block-aligned) columns only moves the
 * offset, so a device's shard of a mapped tensor is never copied.
 */
public record WeightView(MemorySegment data, QuantType type, int rows, int cols, long rowStride, long offset) {

    public WeightView {
        if (cols % type.blockSize != 0)
            throw new IllegalArgumentException(type + " row of " + cols + " is not a multiple of the block size " + type.blockSize);
    }

    /** A dense matrix view: rows back to back. */
    public static WeightView of(MemorySegment data, QuantType type, int rows, int cols) {
        return new WeightView(data, type, rows, cols, type.bytesFor(cols), 0);
    }

    /** Bytes of one row's slice. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** Byte offset of row r's first element. */
    public long rowOffset(int r) {
        return offset + r * rowStride;
    }

    /** Rows [r0, r1): the output-dimension shard of a column-parallel matrix. */
    public WeightView rows(int r0, int r1) {
        if (r0 < 0 || r1 > rows || r0 > r1) throw new IndexOutOfBoundsException("rows " + r0 + ".." + r1 + " of " + rows);
        return new WeightView(data, type, r1 - r0, cols, rowStride, offset + r0 * rowStride);
    }

    /** Columns [c0, c1), block-aligned: the input-dimension shard of a row-parallel matrix. */
    public WeightView cols(int c0, int c1) {
        if (c0 < 0 || c1 > cols || c0 > c1) throw new IndexOutOfBoundsException("cols " + c0 + ".." + c1 + " of " + cols);
        if (c0 % type.blockSize != 0 || c1 % type.blockSize != 0)
            throw new IllegalArgumentException("column slice " + c0 + ".." + c1 + " is not aligned to " + type + " blocks of " + type.blockSize);
        return new WeightView(data, type, rows, c1 - c0, rowStride, offset + type.bytesFor(c0));
    }

    /** Bytes this view touches. */
    public long byteSize() {
        return rows * rowBytes();
    }
}
