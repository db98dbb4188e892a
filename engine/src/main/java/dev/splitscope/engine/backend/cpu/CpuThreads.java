package dev.splitscope.engine.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed worker pool for one CPU virtual device: the calling thread plus {@code threads - 1} daemon workers
 * (named {@code <name>-w1..}) run {@link #parallelFor} bodies over chunks claimed from a shared counter. The caller
 * claims chunks too and waits only for chunks in progress, never for a worker that has not woken up yet, so on a
 * busy machine a job degrades to running on the caller instead of stalling. One job runs at a time; a job submitted
 * from inside a body runs inline. A call allocates nothing.
 */
public final class CpuThreads implements AutoCloseable {
    /** How long an idle worker spins before parking: the next op of a forward pass usually follows within µs. */
    private static final long SPIN_NANOS = 50_000;

    /** One job's parameters; two slots alternate by generation so a call needs no allocation. */
    private static final class Job {
        IntRangeBody body;
        int size;
        int chunk;
    }

    private final String name;
    private final int threads;
    private final Thread[] workers;
    private final Job[] slots = {new Job(), new Job()};
    /** Generation in the high 32 bits, next unclaimed index in the low 32. */
    private final AtomicLong state = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean closed;
    private volatile Throwable failure;
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

    /** The background workers (not the caller), for CPU-time accounting in benchmarks. */
    Thread[] workerThreads() {
        return workers.clone();
    }

    /** Runs {@code body} over {@code [0, n)} in chunks of about n / (4 · threads), blocking until all are done. */
    public void parallelFor(int n, IntRangeBody body) {
        parallelFor(n, 1, body);
    }

    /** Like {@link #parallelFor(int, IntRangeBody)}, with chunks a multiple of {@code grain} (the last may be shorter). */
    public void parallelFor(int n, int grain, IntRangeBody body) {
        if (grain < 1) throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        if (n <= 0) return;
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
        long gen = (state.get() >>> 32) + 1;
        Job job = slots[(int) (gen & 1)];
        job.body = b;
        job.size = n;
        job.chunk = c;
        failure = null;
        done.set(0);
        activeCaller = Thread.currentThread();
        state.set(gen << 32); // publishes the job
        for (Thread w : workers) LockSupport.unpark(w);
        work(gen);
        long start = System.nanoTime();
        while (done.get() < n) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else Thread.yield();
        }
        job.body = null;
        activeCaller = null;
        Throwable f = failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    /**
     * Claims and runs chunks of generation gen until none are left. A claim is a CAS on the state that still holds
     * gen, so a worker that read a later job's slot while the state moved on never runs it with stale indices.
     */
    private void work(long gen) {
        Job job = slots[(int) (gen & 1)];
        while (true) {
            long s = state.get();
            if ((s >>> 32) != gen) return;
            int from = (int) s, n = job.size, c = job.chunk;
            IntRangeBody b = job.body;
            if (from >= n) return;
            if (!state.compareAndSet(s, s + c)) continue;
            int to = Math.min(n, from + c);
            try {
                b.run(from, to);
            } catch (Throwable t) {
                synchronized (done) {
                    if (failure == null) failure = t;
                }
            } finally {
                done.addAndGet(to - from);
            }
        }
    }

    private boolean isOwnWorker() {
        Thread t = Thread.currentThread();
        for (Thread w : workers) if (w == t) return true;
        return false;
    }

    private void workerLoop() {
        long seen = 0; // not a read of state: a worker that starts late must still see the first job
        while (true) {
            long start = System.nanoTime();
            long gen;
            while ((gen = state.get() >>> 32) == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = gen;
            work(gen);
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
