package dev.splitscope.kernel.repl;

import java.util.List;

/** The user interrupted the cell; code after the interrupted statement did not run. */
public final class InterruptedCell extends CellException {
    public InterruptedCell(int line) {
        super("interrupted at cell line " + line, List.of("Interrupted by the user at cell line " + line
                + "; the rest of the cell did not run. Variables keep the values they had."), null);
    }

    public InterruptedCell(String what) {
        super(what, List.of(what), null);
    }
}
