package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Matmul throughput per weight type at llama-3.2-1b shapes, for 1 token (GB/s of weights read, next to the measured
 * read bandwidth) and a batch (GFLOP/s). A plain harness rather than JMH: it must print bandwidth and kernels side by
 * side from one JVM run, and JMH's forks and warm-up iterations would take far longer on a shared 2-core machine.
 * Run: java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes
 * dev.splitscope.engine.backend.cpu.CpuKernelBench [threads] [batch] [types...]
 */
public final class CpuKernelBench {
    private static final int[][] SHAPES = {{2048, 8192}, {8192, 2048}, {2048, 2048}};

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        List<QuantType> types = new ArrayList<>();
        for (int i = 2; i < args.length; i++) types.add(QuantType.valueOf(args[i]));
        if (types.isEmpty()) types = List.of(QuantType.Q8_0, QuantType.Q4_0, QuantType.Q4_K, QuantType.Q6_K,
                QuantType.F16, QuantType.BF16, QuantType.F32);
        System.out.printf(Locale.ROOT, "cpu kernel bench: %d threads, batch %d, %s%n", threads, batch,
                Runtime.version());
        double bw = MemoryBandwidth.measure();
        System.out.printf(Locale.ROOT, "read bandwidth (1 GiB, 2 threads, best 8 MiB slice per thread, best of 3 passes): %.1f GB/s%n%n", bw);
        System.out.printf(Locale.ROOT, "%-5s %-11s %10s %8s %9s %12s %11s %10s%n",
                "type", "rows x cols", "tg us", "tg GB/s", "tg % bw", "tg GB/cpu-s", "pp ms", "pp GFLOP/s");
        Random rnd = new Random(42);
        try (CpuThreads pool = new CpuThreads("bench", threads); Arena arena = Arena.ofShared()) {
            System.out.printf(Locale.ROOT, "parallelFor overhead (%d threads, 64 items, empty body): %.1f us per call%n%n",
                    threads, forkJoinOverhead(pool) / 1e3);
            for (QuantType t : types) {
                for (int[] s : SHAPES) run(arena, pool, t, s[0], s[1], batch, bw, rnd);
            }
        }
        System.out.printf(Locale.ROOT, "%nread bandwidth again after the kernels: %.1f GB/s%n", MemoryBandwidth.measure());
    }

    private static void run(Arena arena, CpuThreads pool, QuantType t, int rows, int cols, int batch, double bw, Random rnd) {
        MemorySegment seg = ScalarOracle.randomWeights(arena, t, rows, cols, rnd);
        WeightView w = WeightView.of(seg, t, rows, cols);
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] y = new float[batch * rows];
        // tg: repeat for ~0.6 s, keep the best time (the machine is shared; the best is the least disturbed).
        double tg = best(() -> CpuMatmul.matmul(w, x, 0, cols, 1, y, 0, rows, pool), 600_000_000L, 5);
        // Kernel efficiency regardless of scheduling: bytes read per CPU-second of every pool thread.
        long cpu0 = poolCpuNanos(pool);
        int reps = 200;
        for (int i = 0; i < reps; i++) CpuMatmul.matmul(w, x, 0, cols, 1, y, 0, rows, pool);
        double perCpuSecond = (double) w.byteSize() * reps / (poolCpuNanos(pool) - cpu0);
        double pp = best(() -> CpuMatmul.matmul(w, x, 0, cols, batch, y, 0, rows, pool), 1_500_000_000L, 2);
        double gbs = w.byteSize() / tg;
        double gflops = 2.0 * rows * cols * batch / pp;
        System.out.printf(Locale.ROOT, "%-5s %5dx%-5d %10.1f %8.1f %8.0f%% %12.1f %11.1f %10.1f%n",
                t, rows, cols, tg / 1e3, gbs, 100 * gbs / bw, perCpuSecond, pp / 1e6, gflops);
    }

    /** Median wall time in ns of one parallelFor over 64 trivially small chunks: the pool's per-op overhead. */
    private static double forkJoinOverhead(CpuThreads pool) {
        int[] sink = new int[64];
        IntRangeBody body = (a, b) -> sink[a]++;
        long[] t = new long[20_000];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            pool.parallelFor(64, body);
            t[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    private static long poolCpuNanos(CpuThreads pool) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long ns = mx.getCurrentThreadCpuTime();
        for (Thread t : pool.workerThreads()) ns += Math.max(0, mx.getThreadCpuTime(t.threadId()));
        return ns;
    }

    /** Best wall time in ns of r over at least minRuns runs and about budgetNs. */
    private static double best(Runnable r, long budgetNs, int minRuns) {
        r.run(); // warm-up: JIT and page faults
        r.run();
        long start = System.nanoTime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < minRuns || System.nanoTime() - start < budgetNs; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
            if (i > 10_000) break;
        }
        return best;
    }
}
