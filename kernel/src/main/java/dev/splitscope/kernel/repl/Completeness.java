package dev.splitscope.kernel.repl;

/** The answer to Jupyter's is_complete request. */
public enum Completeness {
    COMPLETE, INCOMPLETE, INVALID
}
