package dev.splitscope.kernel.spi;

/**
 * Turns values of one type into a {@link MimeBundle}, for cell results and {@link MagicContext#show}. Plugins
 * contribute renderers through {@link MagicProvider#renderers()}; the first renderer whose type matches wins.
 */
public interface ObjectRenderer<T> {

    Class<T> type();

    MimeBundle render(T value);

    /** Renders {@code value} if it is a {@link #type()}, else returns {@code null}. */
    default MimeBundle renderIfMatches(Object value) {
        return type().isInstance(value) ? render(type().cast(value)) : null;
    }
}
