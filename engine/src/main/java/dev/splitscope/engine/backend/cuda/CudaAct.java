package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.DeviceOps;

/** An f32 activation buffer on the GPU: capacity tokens x width floats, row-major. */
record CudaAct(DeviceBuffer buffer, int capacity, int width) implements DeviceOps.Act {
    long address() {
        return buffer.address();
    }

    /** Address of token row t. */
    long row(int t) {
        return buffer.address() + 4L * t * width;
    }
}
