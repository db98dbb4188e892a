package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Collective;
import dev.splitscope.engine.backend.DeviceOps;

import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the device-side all-reduces share: the ranks (one CudaDeviceOps each) and a host rendezvous for launches
 * that run at once. Their kernels wait on the device for the other ranks, and a synchronous copy on the legacy stream
 * (such as an upload) waits for every blocking stream of its GPU: had one rank queued its waiting kernel while
 * another still had such a copy to issue before its own part, neither could ever finish. So outside CUDA graphs the
 * ranks meet before queuing their parts (nobody has host work left before this reduction) and again after (every
 * part is queued before anybody goes on). Inside a deferred decode step the launches are only recorded.
 */
abstract class DeviceAllReduce implements Collective {
    final List<CudaDeviceOps> ranks;
    /** The host rendezvous; terminated by {@link #abort}, which releases every waiter, late arrivals included. */
    private final Phaser meeting;
    private volatile boolean aborted;

    DeviceAllReduce(List<CudaDeviceOps> ranks) {
        this.ranks = ranks;
        this.meeting = new Phaser(ranks.size());
    }

    @Override
    public final void allReduce(int rank, int key, DeviceOps.Act src, DeviceOps.Act dst, int tokens) {
        if (aborted) throw new IllegalStateException("the all-reduce was aborted after a rank failed; load the model again");
        CudaDeviceOps me = ranks.get(rank);
        CudaAct s = (CudaAct) src, d = (CudaAct) dst;
        long n = (long) tokens * src.width();
        MatvecGroup.Lone producer = takeProducer(me, s.address(), d.address(), n);
        CudaBackend gpu = me.beforeCollective(dst);
        boolean direct = !gpu.queue().recording();
        if (direct) rendezvous(rank);
        reduce(rank, key, gpu, s.address(), d.address(), n, producer);
        if (direct) rendezvous(rank);
    }

    /**
     * The held matvec that writes src, when this all-reduce launches it itself (pushing its rows as they are done);
     * null (the default) leaves it to be launched as usual before the reduction.
     */
    MatvecGroup.Lone takeProducer(CudaDeviceOps me, long src, long dst, long n) {
        return null;
    }

    /**
     * Queues this rank's part of one reduction (run at once, or recorded into the step's graph); producer: what
     * {@link #takeProducer} took, to be launched first.
     */
    abstract void reduce(int rank, int key, CudaBackend gpu, long src, long dst, long n, MatvecGroup.Lone producer);

    @Override
    public final void abort() {
        aborted = true;
        meeting.forceTermination();  // host threads waiting at a rendezvous, or coming to one, give up
        releaseDevices();
    }

    /** Makes the reduction kernels already queued on the devices stop waiting for their peers. */
    abstract void releaseDevices();

    final boolean aborted() {
        return aborted;
    }

    /**
     * Waits until every rank has reached this point. Ends at once when the collective is aborted (a rank failed), and
     * after 60 s when a peer never comes.
     */
    final void rendezvous(int rank) {
        int phase;
        try {
            phase = meeting.awaitAdvanceInterruptibly(meeting.arrive(), 60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rank " + rank + " was interrupted while waiting for the other ranks of an all-reduce", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("rank " + rank + ": the other ranks did not reach the all-reduce in 60 s (one of them failed?)", e);
        }
        if (phase < 0) throw new IllegalStateException("rank " + rank + ": the all-reduce was aborted after another rank failed");
    }

    @Override
    public String toString() {
        return description();
    }
}
