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
 * halves of an off-heap buffer much larger than the caches; the best of a few passes is reported in GB/s (10^9 B/s).
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final long DEFAULT_BYTES = 1L << 30;

    /** Read bandwidth in GB/s over a 1 GiB buffer with 2 threads, best of 5 passes. */
    public static double measure() {
        return measure(DEFAULT_BYTES, 2, 5);
    }

    /** Read bandwidth in GB/s over {@code bytes} (rounded down to 4 KiB) with {@code threads} threads. */
    public static double measure(long bytes, int threads, int passes) {
        if (threads < 1 || passes < 1 || bytes < (1 << 20))
            throw new IllegalArgumentException("bandwidth: need ≥ 1 MiB, ≥ 1 thread and ≥ 1 pass, got "
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
     * together at a latch and each sums its part; GB/s over the wall time from the start to the last one done.
     */
    private static double pass(MemorySegment seg, long part, int threads) {
        CountDownLatch go = new CountDownLatch(1);
        long[] sums = new long[threads];
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int k = i;
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                sums[k] = sum(seg, k * part, part);
            }, "bandwidth-" + i);
            ts[i].start();
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring bandwidth", e);
            }
        }
        long ns = System.nanoTime() - t0;
        long check = 0;
        for (long v : sums) check += v;
        if (check == 0) throw new IllegalStateException("bandwidth buffer read back as zeros");
        return (double) part * threads / ns;
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
