package dev.splitscope.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuThreadsTest {
    @Test
    void everyIndexRunsExactlyOnceAcrossManyJobs() {
        try (CpuThreads pool = new CpuThreads("t", 3)) {
            for (int job = 0; job < 2000; job++) {
                int n = 1 + job % 97;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.parallelFor(n, 1 + job % 5, (a, b) -> {
                    for (int i = a; i < b; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "job " + job + " index " + i);
            }
        }
    }

    @Test
    void usesItsNamedWorkers() {
        try (CpuThreads pool = new CpuThreads("cpu7", 2)) {
            java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int k = 0; k < 200 && names.size() < 2; k++)
                pool.parallelFor(64, (a, b) -> {
                    names.add(Thread.currentThread().getName());
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until) Thread.onSpinWait();
                });
            assertTrue(names.contains("cpu7-w1"), "worker cpu7-w1 never ran a chunk: " + names);
        }
    }

    @Test
    void failuresReachTheCallerAndThePoolStaysUsable() {
        try (CpuThreads pool = new CpuThreads("t", 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, (a, b) -> {
                if (a <= 50 && 50 < b) throw new IllegalStateException("boom at " + a);
            }));
            assertTrue(e.getMessage().startsWith("boom"));
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(100, (a, b) -> sum.addAndGet(b - a));
            assertEquals(100, sum.get());
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (CpuThreads pool = new CpuThreads("t", 2)) {
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(8, (a, b) -> pool.parallelFor(10, (c, d) -> sum.addAndGet((b - a) * (d - c))));
            assertEquals(80, sum.get());
        }
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        assertThrows(IllegalArgumentException.class, () -> new CpuThreads("t", 0));
        CpuThreads pool = new CpuThreads("t", 2);
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, (a, b) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new CpuThreads("u", 1).parallelFor(5, 0, (a, b) -> { }));
    }
}
