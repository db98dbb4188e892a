package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.DeviceOps;

/** A CPU activation buffer: a heap float array of capacity × width, token-major. */
record CpuAct(float[] data, int capacity, int width) implements DeviceOps.Act {
    CpuAct(int capacity, int width) {
        this(new float[Math.multiplyExact(capacity, width)], capacity, width);
    }
}
