package dev.splitscope.engine.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed worker pool for one CPU virtual device: the calling thread plus {@code threads - 1} daemon workers
 * (named {@code <name>-w1..}) run {@link #parallelFor} bodies over dynamically claimed chunks. One job runs at a
 * time; a job submitted from inside a body runs inline. A call allocates nothing; idle workers spin briefly (the
 * next op of a forward pass usually follows within microseconds) and then park.
 */
public final class CpuThreads implements AutoCloseable {
    /** How long an idle thread spins before parking; a park/unpark round trip costs tens of microseconds. */
    private static final long SPIN_NANOS = 50_000;

    private final String name;
    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread waiter;
    // Job state, published by the volatile write of generation.
    private IntRangeBody body;
    private int jobSize;
    private int chunk;
    private Throwable failure;
    private Thread activeCaller;

    /** A pool of {@code threads} threads in all (the caller counts as one); 1 means everything runs inline. */
    public CpuThreads(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.name = name;
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, name + "-w" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Threads that run a job, the caller included. */
    public int threads() {
        return threads;
    }

    public String name() {
        return name;
    }

    /** Runs {@code body} over {@code [0, n)} in chunks of about n / (4 * threads), blocking until all are done. */
    public void parallelFor(int n, IntRangeBody body) {
        parallelFor(n, 1, body);
    }

    /** Like {@link #parallelFor(int, IntRangeBody)}, with chunks a multiple of {@code grain} (the last may be shorter). */
    public void parallelFor(int n, int grain, IntRangeBody body) {
        if (n <= 0) return;
        if (grain < 1) throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        int per = (n + 4 * threads - 1) / (4 * threads);
        int c = Math.max(grain, (per + grain - 1) / grain * grain);
        if (threads == 1 || c >= n || Thread.currentThread() == activeCaller || isOwnWorker()) {
            body.run(0, n);
            return;
        }
        synchronized (this) {
            if (closed) throw new IllegalStateException("thread pool " + name + " is closed");
            runJob(n, c, body);
        }
    }

    private void runJob(int n, int c, IntRangeBody b) {
        this.body = b;
        this.jobSize = n;
        this.chunk = c;
        this.failure = null;
        this.activeCaller = Thread.currentThread();
        this.waiter = Thread.currentThread();
        next.set(0);
        pending.set(workers.length);
        generation = generation + 1;
        for (Thread w : workers) LockSupport.unpark(w);
        runChunks();
        awaitWorkers();
        Throwable f = failure;
        this.body = null;
        this.activeCaller = null;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    private void runChunks() {
        IntRangeBody b = body;
        int n = jobSize, c = chunk;
        try {
            for (int from; (from = next.getAndAdd(c)) < n; ) b.run(from, Math.min(n, from + c));
        } catch (Throwable t) {
            synchronized (next) {
                if (failure == null) failure = t;
            }
            next.set(n); // stop handing out chunks
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < 64 || System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 1_000_000);
        }
    }

    private boolean isOwnWorker() {
        Thread t = Thread.currentThread();
        for (Thread w : workers) if (w == t) return true;
        return false;
    }

    private void workerLoop() {
        int seen = 0; // not a read of generation: a worker that starts late must still see the first job
        while (true) {
            long start = System.nanoTime();
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < 64 || System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            runChunks();
            if (pending.decrementAndGet() == 0) LockSupport.unpark(waiter);
        }
    }

    /** Stops the workers; later calls to {@link #parallelFor} with more than one chunk fail. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "CpuThreads[" + name + ", " + threads + " threads]";
    }
}
