package dev.splitscope.kernel.spi;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a magic can use: the cell's output streams, rich displays (updatable by display id), JShell variable
 * binding, the interrupt flag and per-kernel state. Implemented by the kernel and, in tests, without ZeroMQ.
 */
public interface MagicContext {

    PrintStream out();

    PrintStream err();

    /** Shows a bundle in the cell output. */
    void display(MimeBundle bundle);

    /** Shows a bundle that can later be replaced with {@link #updateDisplay}; returns its display id. */
    String displayUpdatable(MimeBundle bundle);

    /** Replaces the content of a display made with {@link #displayUpdatable}. */
    void updateDisplay(String displayId, MimeBundle bundle);

    /** Renders a value with the registered renderers (text/plain as a fallback) and displays it. */
    void show(Object value);

    /** Renders a value with the registered renderers, falling back to its {@code toString()}. */
    MimeBundle render(Object value);

    /**
     * Binds {@code value} to a JShell variable so later Java cells can use it, e.g. {@code placement.where(...)}.
     * The name is made a valid Java identifier; the chosen name is returned. {@code type} is the declared type.
     */
    String bind(String name, Object value, Class<?> type);

    /** The interrupt flag of the current cell. */
    Cancellation cancellation();

    /** Mutable per-kernel state shared between magics (e.g. loaded models), keyed by the owner's choice of name. */
    Map<String, Object> state();

    /** All magics, by name, for help listings. */
    Map<String, Magic> magics();

    /** Loads a plugin jar at run time; returns the providers it added. */
    List<MagicProvider> loadPlugin(Path jar);

    /** Whether Java stack traces are shown for magic errors ({@code %debug on}). */
    boolean debug();

    void setDebug(boolean on);

    /** The directory relative paths are resolved against (the kernel's working directory). */
    Path workingDirectory();
}
