package dev.splitscope.engine.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The NCCL path: one communicator per GPU ({@code ncclCommInitAll}), an f32 sum all-reduce queued on each rank's
 * stream, and so captured into its decode graph like a kernel. NCCL needs distinct GPUs.
 */
final class NcclAllReduce extends DeviceAllReduce {
    private final Nccl nccl;
    private final MemorySegment[] comms;
    private volatile List<Thread> releasing = List.of();

    NcclAllReduce(List<CudaDeviceOps> ranks, Nccl nccl) {
        super(ranks);
        this.nccl = nccl;
        this.comms = nccl.initAll(ranks.stream().mapToInt(r -> r.backend().device().ordinal()).toArray());
    }

    @Override
    public String description() {
        return "nccl " + nccl.version() + " (" + ranks.size() + " GPUs)";
    }

    @Override
    void reduce(int rank, int key, CudaBackend gpu, long src, long dst, long n, MatvecGroup.Lone producer) {
        MemorySegment comm = comms[rank];
        long stream = gpu.device().streamAddress();
        gpu.queue().enqueue(List.of("nccl", src, dst, n), () -> nccl.allReduceSum(src, dst, n, comm, stream));
    }

    /**
     * Aborts the communicators, one thread per rank: NCCL kernels still waiting for a failed peer give up at once.
     * ncclCommAbort then waits, like destroy, until no CUDA graph holds the communicator's work; {@link #close}
     * waits for these threads after the executor has destroyed the graphs.
     */
    @Override
    void releaseDevices() {
        releasing = perRank("nccl-abort-", nccl::abort);
    }

    /**
     * Destroys the communicators (or waits for their abort), one thread per rank at once: ncclCommDestroy waits for
     * the other ranks of the clique. NCCL 2.26+ also waits until no CUDA graph holds a communicator's work, so
     * the decode graphs must be destroyed first (Executor.close does).
     */
    @Override
    public void close() {
        List<Thread> threads = aborted() ? releasing : perRank("nccl-destroy-", nccl::destroy);
        for (Thread t : threads) {
            try {
                if (!t.join(java.time.Duration.ofSeconds(30)))
                    System.getLogger("splitscope").log(System.Logger.Level.WARNING, t.getName() + ": NCCL did not release the communicator in 30 s; left behind");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Thread> perRank(String name, java.util.function.Consumer<MemorySegment> release) {
        List<Thread> threads = new java.util.ArrayList<>();
        for (int r = 0; r < comms.length; r++) {
            int rank = r;
            threads.add(Thread.ofPlatform().daemon().name(name + r).start(() -> {
                ranks.get(rank).backend().device().makeCurrent();
                release.accept(comms[rank]);
            }));
        }
        return threads;
    }
}
