package dev.splitscope.kernel.spi;

/** Thrown by {@link Cancellation#check()} when the user interrupted the cell. */
public class CancelledException extends RuntimeException {
    public CancelledException() {
        super("interrupted by the user");
    }
}
