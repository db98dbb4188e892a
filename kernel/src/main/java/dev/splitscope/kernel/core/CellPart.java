package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MagicCall;

/** One piece of a cell, run in order: Java code, or a magic call. {@code line} is the 1-based cell line it starts at. */
public sealed interface CellPart {

    int line();

    /** Java source for JShell. */
    record Java(String code, int line) implements CellPart {}

    /** A {@code %line} or {@code %%cell} magic. */
    record Magic(MagicCall call, int line) implements CellPart {}
}
