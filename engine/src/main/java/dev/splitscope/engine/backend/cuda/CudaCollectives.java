package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Collective;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the device-side all-reduce for a group of CUDA devices. AUTO takes the peer path wherever every rank's GPU
 * reaches every other's (logical devices of one GPU always do): one-shot for decode rows, which on two H200s over
 * NVLink beat NCCL for decode and prompts (docs/BENCHMARKS.md), and two-shot for prompt batches from three ranks on,
 * which moves a ring's bytes in two steps instead of 2(p-1). NCCL where the GPUs cannot reach each other (f32, libnccl
 * present), or when asked for; otherwise none, and the executor reduces through the host. The peer path also needs a
 * hardware queue per rank on every GPU ({@link #peerRanksPerGpu}): a rank whose spinning reduction shares a queue
 * with a peer's work can wait for it forever.
 */
final class CudaCollectives {
    static final int MAX_PEER_RANKS = 8;

    private CudaCollectives() {}

    /**
     * Ranks of the peer path one GPU can host: one hardware queue each (their timing marks then stay inline,
     * CudaMarks), and one queue left for copies on the legacy stream. Measured on an H200 with the default 8 queues
     * and two streams per rank: 4 logical devices ran, 5, 6 and 8 timed out in a reduction; with the marks inline, 7
     * ran.
     */
    static int peerRanksPerGpu() {
        return hardwareQueues() - 1;
    }

    /** How many of {@code ranks} run on {@code r}'s GPU, r included. */
    static long sharing(List<CudaDeviceOps> ranks, CudaDeviceOps r) {
        int gpu = r.backend().device().ordinal();
        return ranks.stream().filter(o -> o.backend().device().ordinal() == gpu).count();
    }

    /** CUDA_DEVICE_MAX_CONNECTIONS as the driver reads it: 8 unless set, at most 32. */
    static int hardwareQueues() {
        String v = System.getenv("CUDA_DEVICE_MAX_CONNECTIONS");
        try {
            return v == null ? 8 : Math.clamp(Integer.parseInt(v.trim()), 1, 32);
        } catch (NumberFormatException e) {
            return 8;
        }
    }

    static Collective open(List<DeviceOps> members, QuantType reduceType, ReducePath path) {
        if (path == ReducePath.HOST || members.size() < 2) return null;
        List<CudaDeviceOps> ranks = new ArrayList<>();
        for (DeviceOps d : members) {
            if (!(d instanceof CudaDeviceOps c)) {
                if (path == ReducePath.AUTO) return null;
                throw new IllegalArgumentException("the " + path.label() + " reduce path needs CUDA devices only; " + d.name() + " is not one");
            }
            ranks.add(c);
        }
        int type = switch (reduceType) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
            default -> throw new IllegalArgumentException("reduce type " + reduceType + " is not one of f32, f16, bf16");
        };
        long gpus = ranks.stream().mapToInt(r -> r.backend().device().ordinal()).distinct().count();
        boolean reachable = ranks.size() <= MAX_PEER_RANKS && ranks.stream().allMatch(a ->
                ranks.stream().allMatch(b -> a.backend().device().canAccessPeer(b.backend().device())));
        if (path == ReducePath.PEER && !reachable)
            throw new IllegalArgumentException("the peer reduce path needs at most " + MAX_PEER_RANKS + " ranks whose GPUs can all reach each other");
        long crowded = ranks.stream().mapToLong(r -> sharing(ranks, r)).max().orElse(1);
        if (crowded > peerRanksPerGpu()) {
            String why = "the peer reduce path runs at most " + peerRanksPerGpu() + " ranks on one GPU, one hardware queue each"
                    + " (CUDA_DEVICE_MAX_CONNECTIONS=" + hardwareQueues() + ", one left for copies); " + crowded + " share one here";
            if (path == ReducePath.PEER)
                throw new IllegalArgumentException(why + ". Set CUDA_DEVICE_MAX_CONNECTIONS (up to 32) before starting, or use --reduce-path host");
            System.getLogger("splitscope").log(System.Logger.Level.INFO, why + ", so partial sums meet on the host");
            reachable = false;
        }
        if (reachable && path != ReducePath.NCCL) return new PeerAllReduce(ranks, type);
        if (path == ReducePath.NCCL || gpus == ranks.size() && type == 0) {
            String refusal = gpus < ranks.size() ? "NCCL needs one GPU per rank (" + ranks.size() + " ranks on " + gpus + " GPU(s))"
                    : type != 0 ? "the NCCL path reduces in f32 only (reduce type " + reduceType + ")" : null;
            List<String> why = new ArrayList<>();
            Optional<Nccl> nccl = refusal == null ? Nccl.load(why) : Optional.empty();
            if (nccl.isPresent()) {
                try {
                    return new NcclAllReduce(ranks, nccl.get());
                } catch (RuntimeException e) {
                    if (path == ReducePath.NCCL) throw e;
                    System.getLogger("splitscope").log(System.Logger.Level.WARNING, "NCCL did not start, partial sums meet on the host: " + e.getMessage());
                }
            } else if (path == ReducePath.NCCL) {
                throw new IllegalArgumentException(refusal != null ? refusal : "NCCL is not available (tried " + why + ")");
            }
        }
        return null;
    }
}
