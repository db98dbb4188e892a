package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MagicContext;

/**
 * Rich output from Java cells: {@code display(table)} shows a value (tables and charts richly) and returns a display
 * id, {@code updateDisplay(id, value)} replaces it in place. Statically imported into every session. The session of
 * the running cell is found through an inheritable thread-local, because snippets run on JShell's own threads.
 */
public final class Display {
    private static final InheritableThreadLocal<MagicContext> CURRENT = new InheritableThreadLocal<>();

    private Display() {}

    static void enter(MagicContext ctx) {
        CURRENT.set(ctx);
    }

    static void leave() {
        CURRENT.remove();
    }

    private static MagicContext context() {
        MagicContext ctx = CURRENT.get();
        if (ctx == null) throw new IllegalStateException("display() works only while a cell is running in the kernel");
        return ctx;
    }

    /** Shows {@code value} below the cell; returns the id to update it with. */
    public static String display(Object value) {
        MagicContext ctx = context();
        return ctx.displayUpdatable(ctx.render(value));
    }

    /** Replaces an earlier display (from {@link #display}) with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        MagicContext ctx = context();
        ctx.updateDisplay(displayId, ctx.render(value));
    }
}
