package dev.splitscope.engine.backend.cuda;

import jcuda.driver.CUevent;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;

/**
 * The greedy winners of chained decode steps on their way to the host: each step's token id is copied into its own
 * pinned slot and marked by an event, so the host reads step k while step k + 1 already runs. A few slots are
 * plenty: the executor reads one step behind.
 */
final class WinnerRing implements AutoCloseable {
    private static final int SLOTS = 4;
    private static final int FLAG_DISABLE_TIMING = 2;

    private final CudaDevice device;
    private final PinnedBuffer ids = new PinnedBuffer(4L * SLOTS);
    private final CUevent[] done = new CUevent[SLOTS];
    private int head, pending;

    WinnerRing(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        for (int i = 0; i < SLOTS; i++) {
            done[i] = new CUevent();
            cuEventCreate(done[i], FLAG_DISABLE_TIMING);
        }
    }

    /** Queues the copy of the id at {@code src} (device) behind the stream's work so far. */
    void push(DeviceBuffer src, long offset) {
        if (pending == SLOTS) throw new IllegalStateException("more than " + SLOTS + " greedy winners not yet read");
        int slot = (head + pending) % SLOTS;
        cuMemcpyDtoHAsync(ids.pointer().withByteOffset(4L * slot), src.pointer().withByteOffset(offset), 4, device.stream());
        cuEventRecord(done[slot], device.stream());
        pending++;
    }

    /** Waits for the oldest queued id and returns it. */
    int take() {
        if (pending == 0) throw new IllegalStateException("no greedy winner queued");
        cuEventSynchronize(done[head]);
        int id = ids.bytes().getInt(4 * head);
        head = (head + 1) % SLOTS;
        pending--;
        return id;
    }

    @Override
    public void close() {
        device.makeCurrent();
        for (CUevent e : done) cuEventDestroy(e);
        ids.close();
    }
}
