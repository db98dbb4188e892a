package dev.splitscope.kernel.repl;

import java.util.List;

/**
 * Completion options for the text between {@code start} and {@code end} in the cell.
 */
public record Completion(List<String> options, int start, int end) {
    public Completion {
        options = List.copyOf(options);
    }
}
