package dev.splitscope.engine.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Timing marks that came while a launch was held back (HeldLaunches' reduction, MatvecGroup's matvecs): they belong
 * behind that launch, so they are recorded once it is made, in the order they came.
 */
final class HeldMarks {
    private final IntConsumer mark;  // records a timing mark (CudaMarks)
    private final List<Integer> slots = new ArrayList<>(2);

    HeldMarks(IntConsumer mark) {
        this.mark = mark;
    }

    void add(int slot) {
        slots.add(slot);
    }

    /** Records the held marks: the launch they waited for has been made. */
    void record() {
        slots.forEach(mark::accept);
        slots.clear();
    }
}
