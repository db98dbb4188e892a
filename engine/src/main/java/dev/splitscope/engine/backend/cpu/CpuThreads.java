package dev.splitscope.engine.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The worker threads of one virtual CPU device. parallelFor splits [0, n) into one chunk per thread. */
public final class CpuThreads implements AutoCloseable {
    /** Body of a parallel loop over [from, to). */
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int n;
    private final ExecutorService pool;

    public CpuThreads(String name, int n) {
        this.n = Math.max(1, n);
        this.pool = this.n == 1 ? null : Executors.newFixedThreadPool(this.n - 1, r -> {
            Thread t = new Thread(r, name + "-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public int size() {
        return n;
    }

    public void parallelFor(int count, RangeBody body) {
        if (pool == null || count < 2 * n) {
            body.run(0, count);
            return;
        }
        int chunk = (count + n - 1) / n;
        List<Future<?>> fs = new ArrayList<>(n - 1);
        for (int i = 1; i < n; i++) {
            int from = i * chunk, to = Math.min(count, from + chunk);
            if (from < to) fs.add(pool.submit(() -> body.run(from, to)));
        }
        body.run(0, Math.min(count, chunk));
        try {
            for (Future<?> f : fs) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
