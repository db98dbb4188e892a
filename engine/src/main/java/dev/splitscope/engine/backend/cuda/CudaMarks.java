package dev.splitscope.engine.backend.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUstream;

import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventRecordWithFlags;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

/**
 * Timestamps inside a device's queue: one CUDA event per slot, recorded where the executor marks a split's start,
 * end and synchronisation. Inside a captured decode graph they become event-record nodes, so a replayed step is
 * timed split by split as well. There they hang off a side stream: each waits for the work before it, and nothing
 * waits for it until the graph's end, so the kernel after a mark still launches programmatically behind the kernel
 * before it (an event node in between would make it wait for that kernel's end and its own launch). On a GPU that
 * four or more ranks of a peer all-reduce share they stay inline ({@link #keepInline}): the side stream takes a second
 * hardware queue, and once the ranks' streams outnumber the GPU's queues (CUDA_DEVICE_MAX_CONNECTIONS, 8 by default)
 * a rank's spinning reduction can stand in a queue in front of the very peer work it waits for.
 */
final class CudaMarks implements AutoCloseable {
    private static final int RECORD_DEFAULT = 0, RECORD_EXTERNAL = 1, STREAM_NON_BLOCKING = 1, EVENT_DISABLE_TIMING = 2;

    private final CudaDevice device;
    private final LaunchQueue queue;
    private final List<CUevent> events = new ArrayList<>();
    private CUstream side;
    private final CUevent fork = new CUevent(), join = new CUevent();
    private long joinQueuedIn = -1;  // the capture whose end joins the side stream back
    private boolean aside = true;

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
        queue.enqueue(List.of("mark", slot), () -> {
            if (queue.capturing() && aside) recordAside(e);
            else cuEventRecordWithFlags(e, device.stream(), queue.capturing() ? RECORD_EXTERNAL : RECORD_DEFAULT);
        });
    }

    /** Records every mark on the device's own stream, also under capture: one hardware queue per device. */
    void keepInline() {
        aside = false;
    }

    /** Under capture: records e on the side stream after everything captured so far; the side joins at the end. */
    private void recordAside(CUevent e) {
        if (side == null) {
            side = new CUstream();
            cuStreamCreate(side, STREAM_NON_BLOCKING);
            cuEventCreate(fork, EVENT_DISABLE_TIMING);
            cuEventCreate(join, EVENT_DISABLE_TIMING);
        }
        cuEventRecord(fork, device.stream());
        cuStreamWaitEvent(side, fork, 0);
        cuEventRecordWithFlags(e, side, RECORD_EXTERNAL);
        if (joinQueuedIn != queue.captureSerial()) {
            joinQueuedIn = queue.captureSerial();
            queue.atCaptureEnd(() -> {
                cuEventRecord(join, side);
                cuStreamWaitEvent(device.stream(), join, 0);
            });
        }
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
        if (side != null) {
            cuEventDestroy(fork);
            cuEventDestroy(join);
            cuStreamDestroy(side);
            side = null;
        }
    }
}
