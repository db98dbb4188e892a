package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.WeightView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One MoE projection of every expert (this device's slice of each) stacked into one device matrix, so a single
 * expert-indexed matvec launch serves all k routed experts of a token.
 */
final class CudaExperts {
    private CudaExperts() {}

    static DeviceWeight stack(CudaBackend gpu, DeviceOps.Weight[] experts) {
        WeightView first = experts[0].view();
        int rows = first.rows(), cols = first.cols();
        long rowBytes = first.rowBytes();
        MemorySegment host = Arena.ofAuto().allocate(Math.max(1, experts.length * rows * rowBytes), 16);
        for (int e = 0; e < experts.length; e++) {
            WeightView v = experts[e].view();
            if (v.rows() != rows || v.cols() != cols || v.type() != first.type())
                throw new IllegalArgumentException("expert " + e + " is " + v.rows() + "x" + v.cols() + " " + v.type()
                        + ", expert 0 is " + rows + "x" + cols + " " + first.type());
            for (int r = 0; r < rows; r++)
                MemorySegment.copy(v.data(), v.rowOffset(r), host, (e * (long) rows + r) * rowBytes, rowBytes);
        }
        return gpu.upload(first.type(), host, 0, rows, cols, experts.length);
    }
}
