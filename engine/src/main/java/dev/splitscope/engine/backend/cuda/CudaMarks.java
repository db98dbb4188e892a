package dev.splitscope.engine.backend.cuda;

import jcuda.driver.CUevent;

import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecordWithFlags;

/**
 * Timestamps inside a device's queue: one CUDA event per slot, recorded where the executor marks a split's start,
 * end and synchronisation. Inside a captured decode graph they become event-record nodes, so a replayed step is
 * timed split by split as well.
 */
final class CudaMarks implements AutoCloseable {
    private static final int RECORD_DEFAULT = 0, RECORD_EXTERNAL = 1;

    private final CudaDevice device;
    private final LaunchQueue queue;
    private final List<CUevent> events = new ArrayList<>();

    CudaMarks(CudaDevice device, LaunchQueue queue) {
        this.device = device;
        this.queue = queue;
    }

    void mark(int slot) {
        while (events.size() <= slot) {
            CUevent e = new CUevent();
            cuEventCreate(e, 0);
            events.add(e);
        }
        CUevent e = events.get(slot);
        queue.enqueue(List.of("mark", slot), () ->
                cuEventRecordWithFlags(e, device.stream(), queue.capturing() ? RECORD_EXTERNAL : RECORD_DEFAULT));
    }

    /** Nanoseconds from slot 0 to each slot (the step must have finished). */
    long[] nanos(int count) {
        if (count > events.size()) throw new IllegalArgumentException(count + " marks asked for, " + events.size() + " recorded");
        long[] out = new long[count];
        float[] ms = new float[1];
        for (int i = 1; i < count; i++) {
            cuEventElapsedTime(ms, events.get(0), events.get(i));
            out[i] = Math.round(ms[0] * 1e6);
        }
        return out;
    }

    @Override
    public void close() {
        events.forEach(e -> cuEventDestroy(e));
        events.clear();
    }
}
