package dev.splitscope.kernel.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** A throwable's stack trace as lines, for debug mode. */
final class StackTraces {
    private StackTraces() {}

    static List<String> lines(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return List.of(sw.toString().split("\n"));
    }
}
