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
    void reduce(int rank, int key, CudaBackend gpu, long src, long dst, long n) {
        MemorySegment comm = comms[rank];
        long stream = gpu.device().streamAddress();
        gpu.queue().enqueue(List.of("nccl", src, dst, n), () -> nccl.allReduceSum(src, dst, n, comm, stream));
    }

    /**
     * Destroys the communicators, one thread per rank at once: ncclCommDestroy waits for the other ranks of the
     * clique, so destroying them one after another from one thread never returns (seen on 2 H200s, NCCL 2.2x).
     */
    @Override
    public void close() {
        List<Thread> threads = new java.util.ArrayList<>();
        for (int r = 0; r < comms.length; r++) {
            int rank = r;
            threads.add(Thread.ofPlatform().daemon().name("nccl-destroy-" + r).start(() -> {
                ranks.get(rank).backend().device().makeCurrent();
                nccl.destroy(comms[rank]);
            }));
        }
        for (Thread t : threads) {
            try {
                if (!t.join(java.time.Duration.ofSeconds(30)))
                    System.getLogger("splitscope").log(System.Logger.Level.WARNING, t.getName() + ": ncclCommDestroy did not return in 30 s; left behind");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
