package dev.splitscope.kernel.repl;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl.EngineTerminationException;
import jdk.jshell.spi.ExecutionControl.InternalException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * JShell's local execution (snippets run in this JVM, stoppable through JShell's bytecode stop checks) that also
 * keeps the last value as a live object, not only as a string, so tables and charts returned by a cell can be
 * rendered richly. Snippet classes are loaded under {@code parent}, which holds the kernel and plugin classes, so
 * objects that magics create have the same classes the snippets see.
 */
final class CapturingExecutionControl extends LocalExecutionControl {
    /** The exec thread is started by the invoking thread, so it inherits the slot of the call in progress. */
    private static final InheritableThreadLocal<Slot> SLOT = new InheritableThreadLocal<>();
    private static final Method TRAMPOLINE;

    static {
        try {
            TRAMPOLINE = CapturingExecutionControl.class.getDeclaredMethod("trampoline");
            TRAMPOLINE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Slot {
        volatile Method target;
        volatile Object value;
        volatile Thread thread;
        volatile CapturingExecutionControl control;
    }

    private volatile Object lastValue;
    private volatile Slot running;
    /**
     * A stop that came while no snippet ran (JShell was still compiling): the next snippet of the cell does not start.
     * Only while a Java cell runs, so that declarations made by magics (bindings, imports) are never skipped.
     */
    private volatile boolean stopPending;
    private volatile boolean inCell;

    CapturingExecutionControl(ClassLoader parent) {
        super(parent);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Slot slot = new Slot();
        slot.target = doitMethod;
        slot.control = this;
        SLOT.set(slot);
        running = slot;
        try {
            return super.invoke(TRAMPOLINE);
        } finally {
            // kept even when JShell's toString() of the value throws, so the cell can still show the value
            lastValue = slot.value;
            running = null;
            SLOT.remove();
        }
    }

    /** JShell's stop only breaks loops (bytecode checks); also interrupt the snippet's thread, for sleeps and waits. */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        if (inCell) stopPending = true; // JShell forgets a stop that comes before the snippet runs
        super.stop();
        Slot s = running;
        Thread t = s == null ? null : s.thread;
        if (t != null) t.interrupt();
    }

    /** A Java cell starts: stops from now on apply to its snippets, earlier ones are forgotten. */
    void beginCell() {
        stopPending = false;
        inCell = true;
    }

    boolean inCell() {
        return inCell;
    }

    /** The Java cell ended: later snippets (magics' bindings) always run. */
    void endCell() {
        inCell = false;
        stopPending = false;
    }

    /** The object the last snippet produced (null for statements and declarations without a value). */
    Object takeLastValue() {
        Object v = lastValue;
        lastValue = null;
        return v;
    }

    /** Runs the snippet's do-it method on JShell's exec thread and keeps its result; rethrows the user's exception as is. */
    @SuppressWarnings("unused")
    private static Object trampoline() throws Throwable {
        Slot slot = SLOT.get();
        if (slot == null) throw new IllegalStateException("snippet invoked outside the kernel's JShell thread");
        slot.thread = Thread.currentThread();
        // set after the thread, read after stop() sets the flag: either stop() sees the thread or we see the flag
        if (slot.control.inCell && slot.control.stopPending) return null;
        try {
            Object v = slot.target.invoke(null);
            slot.value = v;
            return v;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
