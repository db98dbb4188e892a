package dev.splitscope.engine.backend.cpu;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;

/**
 * Measures this machine's main-memory read bandwidth the way a matvec reads weights: threads stream-sum disjoint
 * parts of an off-heap buffer much larger than the caches, in slices of 8 MiB, and the result is the sum over threads
 * of each thread's best slice rate, in GB/s (10^9 B/s). Timing slices rather than whole passes keeps the figure
 * meaningful on a shared machine, where a 1 GiB pass is rarely left undisturbed but a 1 ms matvec often is.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final long DEFAULT_BYTES = 1L << 30;
    private static final long SLICE = 8L << 20;

    /** Read bandwidth in GB/s over a 1 GiB buffer with 2 threads, best of 3 passes. */
    public static double measure() {
        return measure(DEFAULT_BYTES, 2, 3);
    }

    /** Read bandwidth in GB/s over {@code bytes} (at least 8 MiB per thread) with {@code threads} threads. */
    public static double measure(long bytes, int threads, int passes) {
        if (threads < 1 || passes < 1 || bytes < threads * SLICE)
            throw new IllegalArgumentException("bandwidth: need ≥ 8 MiB per thread, ≥ 1 thread and ≥ 1 pass, got "
                    + bytes + " B, " + threads + " threads, " + passes + " passes");
        long size = bytes & ~4095L;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(size, 4096);
            seg.fill((byte) 1); // touch every page so the passes measure reads, not page faults
            long part = size / threads / LS.vectorByteSize() * LS.vectorByteSize();
            double best = 0;
            for (int p = 0; p < passes; p++) best = Math.max(best, pass(seg, part, threads));
            return best;
        }
    }

    /**
     * One pass: dedicated threads (not a {@link CpuThreads} pool, whose caller may run every chunk itself) start
     * together at a latch and each sums its part slice by slice; Σ over threads of slice bytes ÷ best slice time.
     */
    private static double pass(MemorySegment seg, long part, int threads) {
        CountDownLatch go = new CountDownLatch(1);
        long[] sums = new long[threads];
        long[] bestNs = new long[threads];
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int k = i;
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long best = Long.MAX_VALUE, acc = 0;
                for (long off = 0; off + SLICE <= part; off += SLICE) {
                    long t0 = System.nanoTime();
                    acc += sum(seg, k * part + off, SLICE);
                    best = Math.min(best, System.nanoTime() - t0);
                }
                sums[k] = acc;
                bestNs[k] = best;
            }, "bandwidth-" + i);
            ts[i].start();
        }
        go.countDown();
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring bandwidth", e);
            }
        }
        long check = 0;
        double gbs = 0;
        for (int k = 0; k < threads; k++) {
            check += sums[k];
            gbs += (double) SLICE / bestNs[k];
        }
        if (check == 0) throw new IllegalStateException("bandwidth buffer read back as zeros");
        return gbs;
    }

    private static long sum(MemorySegment seg, long from, long len) {
        int step = LS.vectorByteSize();
        LongVector a0 = LongVector.zero(LS), a1 = a0, a2 = a0, a3 = a0;
        long end = from + len, p = from;
        for (; p + 4L * step <= end; p += 4L * step) {
            a0 = a0.add(LongVector.fromMemorySegment(LS, seg, p, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(LongVector.fromMemorySegment(LS, seg, p + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(LongVector.fromMemorySegment(LS, seg, p + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(LongVector.fromMemorySegment(LS, seg, p + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        for (; p + step <= end; p += step) a0 = a0.add(LongVector.fromMemorySegment(LS, seg, p, ByteOrder.LITTLE_ENDIAN));
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
