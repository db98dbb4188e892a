package dev.splitscope.kernel.spi;

/**
 * One magic command: {@code %name args} as a line magic or {@code %%name args} followed by a body as a cell magic.
 * Implementations keep no per-call state in fields; everything they need comes through the {@link MagicContext}.
 */
public interface Magic {

    /** The name typed after {@code %} or {@code %%}, e.g. {@code "gguf"}. */
    String name();

    /** One line for {@code %lsmagic} and {@code %help}. */
    String summary();

    /** Whether the magic accepts a body ({@code %%name}). Cell magics may also be used as line magics when this says so. */
    default boolean acceptsBody() {
        return false;
    }

    /** Whether the magic can be used as a line magic (no body). */
    default boolean acceptsLine() {
        return true;
    }

    /**
     * Runs the magic. Output goes to {@link MagicContext#out()} or {@link MagicContext#display}; a failure the user can fix
     * is reported by throwing a {@link MagicException}.
     */
    void run(MagicContext ctx, MagicCall call) throws Exception;
}
