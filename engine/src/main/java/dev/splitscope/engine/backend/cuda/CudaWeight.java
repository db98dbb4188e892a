package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A weight handed to the CUDA device: uploaded when first preloaded or used (experts are uploaded stacked instead, by
 * {@link CudaExperts}), in the layout of its matvec kernel; vectors (norms, biases) also as f32.
 */
final class CudaWeight implements DeviceOps.Weight, AutoCloseable {
    private final WeightView view;
    private DeviceWeight matrix;
    private DeviceBuffer vector;

    CudaWeight(WeightView view) {
        this.view = view;
    }

    @Override
    public WeightView view() {
        return view;
    }

    boolean hasMatrix() {
        return matrix != null;
    }

    boolean hasVector() {
        return vector != null;
    }

    DeviceWeight matrix(CudaBackend gpu) {
        if (matrix == null) {
            MemorySegment dense = dense(view);
            matrix = gpu.upload(view.type(), dense, dense == view.data() ? view.offset() : 0, view.rows(), view.cols(), 1);
        }
        return matrix;
    }

    /** The weight as f32 (a norm or bias vector). */
    long vector() {
        if (vector == null) {
            int n = view.rows() * view.cols();
            float[] f = new float[n];
            for (int r = 0; r < view.rows(); r++)
                QuantCodecs.dequantize(view.type(), view.data(), view.rowOffset(r), f, r * view.cols(), view.cols());
            vector = DeviceBuffer.of(f);
        }
        return vector.address();
    }

    /** The view's bytes, rows back to back: the mapped data itself when already dense, else a host copy. */
    static MemorySegment dense(WeightView v) {
        if (v.rowStride() == v.rowBytes() || v.rows() <= 1) return v.data();
        MemorySegment out = Arena.ofAuto().allocate(v.byteSize(), 16);
        for (int r = 0; r < v.rows(); r++) MemorySegment.copy(v.data(), v.rowOffset(r), out, r * v.rowBytes(), v.rowBytes());
        return out;
    }

    QuantType type() {
        return view.type();
    }

    @Override
    public void close() {
        if (matrix != null) matrix.close();
        if (vector != null) vector.close();
    }
}
