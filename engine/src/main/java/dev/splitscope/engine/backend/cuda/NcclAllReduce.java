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
    void reduce(int rank, int key, CudaBackend gpu, long src, long dst, long n, boolean direct) {
        MemorySegment comm = comms[rank];
        long stream = gpu.device().streamAddress();
        gpu.queue().enqueue(List.of("nccl", src, dst, n), () -> nccl.allReduceSum(src, dst, n, comm, stream));
        if (direct) rendezvous(rank);
    }

    @Override
    public void close() {
        for (int r = 0; r < comms.length; r++) {
            ranks.get(r).backend().device().makeCurrent();
            nccl.destroy(comms[r]);
        }
    }
}
