package dev.splitscope.kernel.spi;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The interrupt flag of the running cell. The kernel sets it on an interrupt request and clears it before each cell;
 * long-running magics (a generation, a benchmark) poll it between steps.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Throws {@link CancelledException} when an interrupt was requested. */
    public void check() {
        if (cancelled.get()) throw new CancelledException();
    }

    public void cancel() {
        cancelled.set(true);
    }

    public void reset() {
        cancelled.set(false);
    }
}
