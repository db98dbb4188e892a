package dev.splitscope.kernel.repl;

import java.util.List;

/** Java source in a cell that did not compile, or was cut off (unbalanced braces); nothing after it ran. */
public final class CompilationError extends CellException {
    public CompilationError(String message, List<String> traceback) {
        super(message, traceback, null);
    }
}
