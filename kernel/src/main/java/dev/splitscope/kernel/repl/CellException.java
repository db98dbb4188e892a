package dev.splitscope.kernel.repl;

import java.util.List;

/**
 * A cell failure that is already worded for the user: {@link #getMessage()} is the one-line summary and
 * {@link #traceback()} the readable lines (the failing cell lines, the Java exception type, a stack trace only
 * when asked for). The kernel shows these lines instead of a Java stack trace.
 */
public abstract class CellException extends Exception {
    private final List<String> traceback;

    protected CellException(String message, List<String> traceback, Throwable cause) {
        super(message, cause, false, false);
        this.traceback = List.copyOf(traceback);
    }

    public List<String> traceback() {
        return traceback;
    }
}
