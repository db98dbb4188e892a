package dev.splitscope.kernel.spi;

import java.util.List;

/**
 * One parsed magic invocation.
 *
 * @param name    the magic's name, without the percent signs
 * @param args    the arguments after the name, split like a shell does (quotes group, backslash escapes)
 * @param rawArgs the argument text exactly as typed
 * @param body    the cell body after the first line for a {@code %%} cell magic, or {@code null} for a line magic
 */
public record MagicCall(String name, List<String> args, String rawArgs, String body) {

    public MagicCall {
        args = List.copyOf(args);
    }

    public boolean isCell() {
        return body != null;
    }
}
