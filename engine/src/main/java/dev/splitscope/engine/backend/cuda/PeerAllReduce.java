package dev.splitscope.engine.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemHostGetDevicePointer;

/**
 * The peer path (allreduce.cu), one-shot: every rank ends with the sum of all partials in rank order, the same bits
 * everywhere. Decode-sized reductions push: each rank stores its partial into every rank's inbox as (value, sequence)
 * pairs and sums its own inbox once every pair carries this reduction's number, one launch and no fence or flag;
 * inside a decode graph that launch is held and made one with the residual add and norm after it (HeldLaunches), and
 * the matvec that computes the partial pushes its rows itself as it finishes them ({@link #takeProducer}). The
 * ranks' greedy winners meet the same way ({@link #pickWinner}).
 * Larger ones (prompt batches) signal and read: each rank raises its counter in every rank's mailbox, one thread
 * waits until its own mailbox shows every rank's, and the ranks read the partials directly (logical devices of one
 * GPU share its memory; distinct GPUs need peer access). One step moves (p-1) partials into each rank, which for
 * decode-sized messages costs one latency instead of the 2(p-1) of a ring. From {@link #TWO_SHOT_FROM} ranks on a
 * batch goes two-shot instead, as a ring's bytes in two steps: each rank sums one p-th of the buffer from every
 * partial and stores it into every rank's output, and a second barrier waits until all chunks are in.
 *
 * <p>Each reduction point reads the same buffers at every step, so their addresses are exchanged once per point.
 * A partial is rewritten only in the next step, after later reductions that every rank must have signalled.
 */
final class PeerAllReduce extends DeviceAllReduce {
    private static final int CU_MEMHOSTALLOC_PORTABLE = 1, CU_MEMHOSTALLOC_DEVICEMAP = 2;
    /** An inbox: [2][MAX_RANKS][ALL_REDUCE_SMALL] pairs; then the fused kernel's parts; then the winners' box. */
    private static final long INBOX_BYTES = 2L * CudaBackend.MAX_RANKS * CudaBackend.ALL_REDUCE_SMALL * 8;
    private static final long WINNERS_AT = INBOX_BYTES + CudaBackend.FUSED_REDUCE_MAX_BLOCKS * 8L;
    /** Decode reductions fused with the residual add and norm after them; -Dsplitscope.cuda.fuseReduce=false for A/B runs. */
    private static final boolean FUSE = CudaSwitch.on("fuseReduce");
    /**
     * A fused reduction's partial pushed by the matvec that computes it, row by row (CudaBackend.matvecPushing);
     * -Dsplitscope.cuda.matvecPush=false leaves the push to the fused kernel, for A/B runs.
     */
    private static final boolean MATVEC_PUSH = FUSE && CudaSwitch.on("matvecPush");
    /**
     * Such a reduction launched to start before its matvec ends (where no two ranks share a GPU), so that it gathers
     * the rows as they come; -Dsplitscope.cuda.earlyGather=false makes it wait for the matvec, for A/B runs.
     */
    private static final boolean EARLY_GATHER = CudaSwitch.on("earlyGather");
    /**
     * Ranks that crowd a GPU record their timing marks inline (CudaMarks.keepInline), one hardware queue each, where
     * two each (a side stream) would leave no queue for copies; -Dsplitscope.cuda.inlineSharedMarks=false keeps them
     * aside, for A/B runs. Inline marks cost two logical devices a fifth of their decode speed, so fewer keep them aside.
     */
    private static final boolean INLINE_SHARED_MARKS = CudaSwitch.on("inlineSharedMarks");
    /**
     * Ranks from which a batch-sized reduction goes two-shot (3, where one-shot would move 2 or more whole partials
     * into each rank); -Dsplitscope.cuda.twoShotFrom=N moves it (2 to test it on two GPUs, 9 for one-shot only).
     */
    static final int TWO_SHOT_FROM = CudaSwitch.number("twoShotFrom", 3, 2, "ranks");
    /** A PushTarget (common.cuh): 8 inbox addresses, the counter's, then rank, ranks and type. */
    private static final int PUSH_TARGET_BYTES = 8 * CudaBackend.MAX_RANKS + 8 + 3 * 4 + 4;

    /**
     * Per rank, in its memory: one counter per rank (slot p raised by rank p), polled by its barrier kernels, then
     * the sequence number of its last pushed reduction or winner pick.
     */
    private final DeviceBuffer[] mailboxes;
    /** Per rank, in its memory: the pairs every rank pushes to it (CudaBackend.allReducePush, argmaxPick) and its fused parts. */
    private final DeviceBuffer[] inboxes;
    private final long[] inboxAddresses;
    /** Per rank, the box in its inbox buffer that the ranks' greedy winners meet in. */
    private final long[] winnerBoxes;
    /** Per rank, in its memory: where its pushing matvecs store their rows (a PushTarget). */
    private final DeviceBuffer[] pushTargets;
    /** slots[r][p]: rank r's counter in rank p's mailbox. */
    private final long[][] slots;
    private final int type;
    private final Pointer errorHost = new Pointer();
    private final long errorDevice;
    private final Map<Integer, Point> points = new ConcurrentHashMap<>();
    /** How many GPUs the ranks are on (fewer than ranks when logical devices share one). */
    private final int gpus;

    /** The partials' and outputs' addresses of one reduction point, filled in by each rank on first use. */
    private static final class Point {
        final long[] sources;
        final long[] outputs;
        final CountDownLatch known;

        Point(int ranks) {
            sources = new long[ranks];
            outputs = new long[ranks];
            known = new CountDownLatch(ranks);
        }
    }

    /** @param type 0 f32, 1 f16, 2 bf16: the type partial sums travel in */
    PeerAllReduce(List<CudaDeviceOps> ranks, int type) {
        super(ranks);
        this.type = type;
        this.gpus = (int) ranks.stream().mapToInt(r -> r.backend().device().ordinal()).distinct().count();
        for (CudaDeviceOps a : ranks)
            for (CudaDeviceOps b : ranks) a.backend().device().enablePeerAccess(b.backend().device());
        if (INLINE_SHARED_MARKS)
            for (CudaDeviceOps r : ranks)
                if (2 * CudaCollectives.sharing(ranks, r) > CudaCollectives.hardwareQueues() - 1) r.keepMarksInline();
        mailboxes = new DeviceBuffer[ranks.size()];
        inboxes = new DeviceBuffer[ranks.size()];
        inboxAddresses = new long[ranks.size()];
        winnerBoxes = new long[ranks.size()];
        for (int r = 0; r < mailboxes.length; r++) {
            ranks.get(r).backend().device().makeCurrent();
            mailboxes[r] = DeviceBuffer.of(new int[CudaBackend.MAX_RANKS + 1]);
            // then the fused kernel's parts of the sum of squares (CudaBackend.allReduceAddRmsNormQ8), then the box
            // greedy winners meet in (CudaBackend.argmaxPick)
            inboxes[r] = DeviceBuffer.allocate(WINNERS_AT + 2L * CudaBackend.MAX_RANKS * 16);
            inboxes[r].fill((byte) 0);  // sequence numbers start at 1
            inboxAddresses[r] = inboxes[r].address();
            winnerBoxes[r] = inboxAddresses[r] + WINNERS_AT;
        }
        pushTargets = new DeviceBuffer[ranks.size()];
        for (int r = 0; r < pushTargets.length; r++) {
            ranks.get(r).backend().device().makeCurrent();
            pushTargets[r] = pushTarget(r);
        }
        slots = new long[ranks.size()][ranks.size()];
        for (int r = 0; r < slots.length; r++)
            for (int p = 0; p < slots.length; p++) slots[r][p] = mailboxes[p].address() + 4L * r;
        // a timeout is reported through mapped host memory, readable without a copy
        cuMemHostAlloc(errorHost, 4, CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP);
        errorHost.getByteBuffer(0, 4).order(ByteOrder.nativeOrder()).putInt(0, 0);
        CUdeviceptr d = new CUdeviceptr();
        cuMemHostGetDevicePointer(d, errorHost, 0);
        errorDevice = Handles.address(d);
    }

    private DeviceBuffer pushTarget(int rank) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(PUSH_TARGET_BYTES, 8);
            for (int p = 0; p < inboxAddresses.length; p++) t.setAtIndex(ValueLayout.JAVA_LONG, p, inboxAddresses[p]);
            t.setAtIndex(ValueLayout.JAVA_LONG, CudaBackend.MAX_RANKS, counter(rank));
            long at = 8L * (CudaBackend.MAX_RANKS + 1);
            t.set(ValueLayout.JAVA_INT, at, rank);
            t.set(ValueLayout.JAVA_INT, at + 4, inboxAddresses.length);
            t.set(ValueLayout.JAVA_INT, at + 8, type);
            DeviceBuffer b = DeviceBuffer.allocate(PUSH_TARGET_BYTES);
            b.upload(t, 0, 0, PUSH_TARGET_BYTES);
            return b;
        }
    }

    @Override
    public String description() {
        String forms = twoShot() ? "one-shot up to " + CudaBackend.ALL_REDUCE_SMALL + " values, two-shot above" : "one-shot";
        return "peer (" + forms + ", " + ranks.size() + " ranks" + (gpus == 1 ? " on one GPU" : "") + ")";
    }

    private boolean twoShot() {
        return ranks.size() >= TWO_SHOT_FROM;
    }

    /** No two ranks share a GPU. */
    private boolean oneRankPerGpu() {
        return gpus == ranks.size();
    }

    @Override
    MatvecGroup.Lone takeProducer(CudaDeviceOps me, long src, long dst, long n) {
        return MATVEC_PUSH && CudaBackend.pushable(src, dst, n) ? me.takeLoneMatvec(src, n) : null;
    }

    @Override
    void reduce(int rank, int key, CudaBackend gpu, long src, long dst, long n, MatvecGroup.Lone producer) {
        // decode-sized: every rank takes the same form, since counts agree and the ranks' buffers are laid out alike
        if (CudaBackend.pushable(src, dst, n)) {
            long counter = counter(rank);
            if (producer != null) ranks.get(rank).launchPushing(producer, pushTargets[rank].address());
            if (FUSE && gpu.queue().recording())  // launched with the norm after it (HeldLaunches), or alone
                ranks.get(rank).hold(new HeldLaunches.Reduce(inboxAddresses, inboxAddresses[rank] + INBOX_BYTES, src, dst,
                        counter, rank, (int) n, type, errorDevice, oneRankPerGpu(), producer != null,
                        producer != null && oneRankPerGpu() && EARLY_GATHER));
            else gpu.allReducePush(inboxAddresses, src, dst, counter, rank, (int) n, type, errorDevice);  // pushes (again)
            return;
        }
        if (producer != null) throw new IllegalStateException("a matvec was taken for a reduction that does not push");
        Point p = point(rank, key, src, dst);
        long[] mine = slots[rank];
        gpu.allReduceBarrier(mine, mine[rank], mailboxes[rank].address(), errorDevice);
        if (!twoShot()) {
            gpu.allReduceSum(p.sources, dst, n, type);
            return;
        }
        long[] part = chunk(n, ranks.size(), rank);
        if (part[1] > part[0]) gpu.allReduceSumChunk(p.sources, p.outputs, part[0], part[1], type);
        gpu.allReduceBarrier(mine, mine[rank], mailboxes[rank].address(), errorDevice);  // every chunk is in dst
    }

    /**
     * Queues this rank's part of a chained greedy pick: the winner of its vocabulary slice {@code logits} [cols] (ids
     * from vocabStart) meets the other ranks' on the devices, and the best of all goes to out and becomes the next
     * step's token in {@code next}. Counted with the reductions, so every rank must queue it at the same point.
     */
    void pickWinner(int rank, CudaBackend gpu, long logits, int cols, int vocabStart, int vocab, long out, long next) {
        gpu.argmaxPick(winnerBoxes, logits, cols, vocabStart, vocab, out, next, counter(rank), rank, errorDevice);
    }

    /** Where rank's last sequence number lives (its mailbox's last slot). */
    private long counter(int rank) {
        return mailboxes[rank].address() + 4L * CudaBackend.MAX_RANKS;
    }

    /**
     * Rank's chunk [lo, hi) of n values in a two-shot reduction: whole 128-byte lines (32 floats) each, in rank order,
     * so the last ranks' may be short or empty.
     */
    static long[] chunk(long n, int ranks, int rank) {
        long size = ((n + ranks - 1) / ranks + 31) / 32 * 32;
        long lo = Math.min(n, rank * size);
        return new long[] {lo, Math.min(n, lo + size)};
    }

    /** Reduction point {@code key}'s addresses on every rank: exchanged at its first use, then checked. */
    private Point point(int rank, int key, long src, long dst) {
        Point p = points.computeIfAbsent(key, k -> new Point(ranks.size()));
        if (p.known.getCount() == 0) {
            if (p.sources[rank] != src || p.outputs[rank] != dst)
                throw new IllegalStateException("reduction point " + key + " moved on rank " + rank);
            return p;
        }
        p.sources[rank] = src;
        p.outputs[rank] = dst;
        p.known.countDown();
        try {
            if (!p.known.await(60, TimeUnit.SECONDS))
                throw new IllegalStateException("rank " + rank + ": the other ranks never reached reduction point " + key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other ranks", e);
        }
        return p;
    }

    @Override
    public void check() {
        java.nio.ByteBuffer b = errorHost.getByteBuffer(0, 4).order(ByteOrder.nativeOrder());
        if (aborted()) throw new IllegalStateException("the peer all-reduce was aborted after a rank failed (results of this step are void)");
        if (b.getInt(0) != 0) {
            b.putInt(0, 0);
            throw new IllegalStateException("device-side all-reduce timed out: a rank waited 10 s for its peers (results of this step are void)");
        }
    }

    /** Raises the error word that every waiting kernel polls: they give up at once. */
    @Override
    void releaseDevices() {
        errorHost.getByteBuffer(0, 4).order(ByteOrder.nativeOrder()).putInt(0, 2);
    }

    @Override
    public void close() {
        for (int r = 0; r < mailboxes.length; r++) {
            ranks.get(r).backend().device().makeCurrent();
            mailboxes[r].close();
            inboxes[r].close();
            pushTargets[r].close();
        }
        cuMemFreeHost(errorHost);
    }
}
