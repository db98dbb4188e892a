package dev.splitscope.engine.backend;

/**
 * An all-reduce that runs on the devices themselves, so that tensor-parallel partial sums never visit the host. Each
 * rank's host thread calls {@link #allReduce} for the same reductions in the same order; the work is queued on the
 * rank's device (and may be captured into its decode graph), so it waits for nothing on the host.
 */
public interface Collective extends AutoCloseable {

    /** The path taken, as reported to the user, e.g. "nccl 2.21.5" or "peer (one-shot)". */
    String description();

    /**
     * dst = the sum over every rank of src ({@code tokens} rows of the activation's width), rounded through the
     * reduce type. {@code key} names the reduction point (the graph node); every rank passes the same key.
     */
    void allReduce(int rank, int key, DeviceOps.Act src, DeviceOps.Act dst, int tokens);

    /** Throws, saying why, when a reduction of the last step failed on the device (call after it has finished). */
    default void check() {}

    /**
     * Releases every rank still waiting in a reduction because another rank failed and will never join it. Callable
     * from any thread; the collective is void afterwards (its reductions throw), so the run must be loaded again.
     */
    void abort();

    @Override
    void close();
}
