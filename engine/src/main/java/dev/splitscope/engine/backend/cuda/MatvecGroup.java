package dev.splitscope.engine.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Matvecs of one quantized input held back so that up to three of them (q, k and v; gate and up) go out as one
 * launch: at 8B decode sizes a launch costs about as much as reading a 1024-row matrix. Any other op must call
 * {@link #flush()} first, since it may overwrite the shared q8_1 input or read an output. A lone matvec whose output
 * a pushed all-reduce takes next can be taken out instead ({@link #takeLone}) and launched pushing its rows; timing
 * marks that come while a matvec is held are recorded behind its launch.
 */
final class MatvecGroup {
    /** A held matvec of one matrix: y = weight . input, input's q8_1 form in q. */
    record Lone(DeviceWeight weight, long input, Q8Input q, long y) {}

    private final CudaBackend gpu;
    private final HeldMarks marksAfter;
    private final List<DeviceWeight> weights = new ArrayList<>(3);
    private final List<Long> outputs = new ArrayList<>(3);
    private long input = -1;
    private int tokens;
    private Q8Input q;

    MatvecGroup(CudaBackend gpu, IntConsumer mark) {
        this.gpu = gpu;
        this.marksAfter = new HeldMarks(mark);
    }

    boolean holdsAny() {
        return !weights.isEmpty();
    }

    /** A timing mark that belongs behind the held launch. */
    void markAfter(int slot) {
        marksAfter.add(slot);
    }

    /** True when w, reading x for this many tokens, can join what is pending (or nothing is pending). */
    boolean accepts(DeviceWeight w, long x, int tokens) {
        return weights.isEmpty() || (x == input && tokens == this.tokens && weights.size() < 3 && CudaBackend.groupable(weights.getFirst(), w));
    }

    /** Holds y = w . x back; call {@link #accepts} first. */
    void add(DeviceWeight w, long x, Q8Input q, long y, int tokens) {
        if (!accepts(w, x, tokens)) throw new IllegalStateException("matvec cannot join the pending group");
        if (weights.isEmpty()) {
            input = x;
            this.tokens = tokens;
            this.q = q;
        }
        weights.add(w);
        outputs.add(y);
    }

    /**
     * The held matvec when it is a lone one of one token that writes y and {@code fits}, taken out; null otherwise
     * (then nothing changes). The caller launches it, then calls {@link #launched}.
     */
    Lone takeLone(long y, Predicate<DeviceWeight> fits) {
        if (weights.size() != 1 || tokens != 1 || outputs.getFirst() != y || !fits.test(weights.getFirst())) return null;
        Lone l = new Lone(weights.getFirst(), input, q, y);
        clear();
        return l;
    }

    /** Records the marks that waited for the held launch, now made. */
    void launched() {
        marksAfter.record();
    }

    /** Launches what is pending: one plain matvec, or one grouped launch. */
    void flush() {
        if (weights.isEmpty()) return;
        if (weights.size() == 1) {
            gpu.matvec(weights.getFirst(), input, q, outputs.getFirst(), tokens, false);
        } else {
            long[] ys = new long[outputs.size()];
            for (int i = 0; i < ys.length; i++) ys[i] = outputs.get(i);
            gpu.matvecGroup(weights.toArray(new DeviceWeight[0]), ys, q, tokens);
        }
        clear();
        launched();
    }

    /** Holds nothing any more. */
    private void clear() {
        weights.clear();
        outputs.clear();
        input = -1;
    }
}
