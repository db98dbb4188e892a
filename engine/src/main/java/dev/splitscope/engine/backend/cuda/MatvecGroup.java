package dev.splitscope.engine.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Matvecs of one quantized input held back so that up to three of them (q, k and v; gate and up) go out as one
 * launch: at 8B decode sizes a launch costs about as much as reading a 1024-row matrix. Any other op must call
 * {@link #flush()} first, since it may overwrite the shared q8_1 input or read an output.
 */
final class MatvecGroup {
    private final CudaBackend gpu;
    private final List<DeviceWeight> weights = new ArrayList<>(3);
    private final List<Long> outputs = new ArrayList<>(3);
    private long input = -1;
    private int tokens;
    private Q8Input q;

    MatvecGroup(CudaBackend gpu) {
        this.gpu = gpu;
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
        weights.clear();
        outputs.clear();
        input = -1;
    }
}
