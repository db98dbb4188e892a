package dev.splitscope.kernel.repl;

/**
 * The value of the last expression of a cell: the live object and JShell's text form of it (strings quoted).
 */
public record ReplValue(Object value, String text) {
}
