package dev.splitscope.kernel.repl;

import java.util.List;

/** Java code in a cell threw; the message names the Java exception type and its message. */
public final class EvaluationError extends CellException {
    private final String exceptionClass;

    public EvaluationError(String exceptionClass, String message, List<String> traceback) {
        super(message, traceback, null);
        this.exceptionClass = exceptionClass;
    }

    /** The Java exception's class name, e.g. {@code java.lang.ArithmeticException}. */
    public String exceptionClass() {
        return exceptionClass;
    }
}
