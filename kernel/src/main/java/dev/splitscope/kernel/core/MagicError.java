package dev.splitscope.kernel.core;

import dev.splitscope.kernel.repl.CellException;

import java.util.List;

/** A magic failed; the traceback is one readable paragraph, plus the Java stack trace only in debug mode. */
public final class MagicError extends CellException {
    public MagicError(String message, List<String> traceback, Throwable cause) {
        super(message, traceback, cause);
    }
}
