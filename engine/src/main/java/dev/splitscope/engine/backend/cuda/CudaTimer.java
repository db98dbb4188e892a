package dev.splitscope.engine.backend.cuda;

import jcuda.driver.CUevent;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

/** Device-side timing of a region of a device's stream with a pair of CUDA events. */
public final class CudaTimer implements AutoCloseable {
    private final CudaDevice device;
    private final CUevent start = new CUevent(), stop = new CUevent();

    /** Events belong to the context current at their creation: the device's, whichever thread asks for timing. */
    public CudaTimer(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        cuEventCreate(start, 0);
        cuEventCreate(stop, 0);
    }

    public void start() {
        cuEventRecord(start, device.stream());
    }

    /** Records the end, waits for it, and returns the milliseconds between the two events. */
    public float stopMillis() {
        cuEventRecord(stop, device.stream());
        cuEventSynchronize(stop);
        float[] ms = new float[1];
        cuEventElapsedTime(ms, start, stop);
        return ms[0];
    }

    @Override
    public void close() {
        device.makeCurrent();
        cuEventDestroy(start);
        cuEventDestroy(stop);
    }
}
