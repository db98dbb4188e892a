package dev.splitscope.kernel.spi;

/**
 * A failure the user can fix, shown as one readable paragraph (what went wrong, why, and how to fix it) without a
 * Java stack trace. The kernel keeps running.
 */
public class MagicException extends RuntimeException {
    private final String fix;

    public MagicException(String what) {
        this(what, null, null);
    }

    public MagicException(String what, String fix) {
        this(what, fix, null);
    }

    public MagicException(String what, String fix, Throwable cause) {
        super(what, cause);
        this.fix = fix;
    }

    /** How to fix it, or {@code null}. */
    public String fix() {
        return fix;
    }

    /** The whole paragraph shown to the user. */
    public String paragraph() {
        return fix == null || fix.isBlank() ? getMessage() : getMessage() + "\n" + fix;
    }
}
