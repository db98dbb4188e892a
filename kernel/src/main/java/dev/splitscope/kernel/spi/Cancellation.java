package dev.splitscope.kernel.spi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The interrupt flag of the running cell. The kernel sets it on an interrupt request and clears it before each cell;
 * long-running magics (a generation, a benchmark) poll it between steps.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Throws {@link CancelledException} when an interrupt was requested. */
    public void check() {
        if (cancelled.get()) throw new CancelledException();
    }

    /** Sets the flag and runs the registered hooks (e.g. a generation's own cancel), on the interrupting thread. */
    public void cancel() {
        cancelled.set(true);
        for (Runnable r : hooks) r.run();
    }

    /** Clears the flag and forgets the hooks; the kernel calls this before each cell. */
    public void reset() {
        cancelled.set(false);
        hooks.clear();
    }

    /**
     * Runs {@code hook} when the user interrupts, so work that has its own stop switch ends at once; close the returned
     * handle when the work is done.
     */
    public AutoCloseableHook onCancel(Runnable hook) {
        hooks.add(hook);
        if (cancelled.get()) hook.run();
        return () -> hooks.remove(hook);
    }

    /** Unregisters a hook; closing never throws. */
    public interface AutoCloseableHook extends AutoCloseable {
        @Override
        void close();
    }
}
