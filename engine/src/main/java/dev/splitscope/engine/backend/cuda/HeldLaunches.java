package dev.splitscope.engine.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Element-wise launches held back for one op, so that the op after can absorb them. A decode layer is about 14
 * launches, and at 8B each small one costs more than its work. The rms_norm that reads a residual add's sum absorbs
 * the add (add_rms_norm_q8). The attention's KV write absorbs the q and k ropes: rope_kv rotates both and stores k
 * and v in one launch, and a decode token's attention does even that itself (attn_split_token_rope). Inside a decode
 * graph a tensor-parallel layer's pushed all-reduce waits as well: the residual add that reads its sum joins it, and
 * the rms_norm after both runs all three as one launch (ar_add_rms_norm_q8); the timing marks that came after the
 * reduction are recorded after that launch. Any other op runs what is held first, in the order it came.
 */
final class HeldLaunches {
    /** out = a + b over n values. */
    record Add(long a, long b, long out, long n) {}

    /**
     * This rank's part of a pushed all-reduce of n values into dst: CudaBackend.allReducePush's arguments, and those
     * that allReduceAddRmsNormQ8 adds. pushed: the matvec that wrote src pushed it already (then a launch of its own,
     * which pushes again, stores the same pairs). early: the fused kernel may start before that matvec has ended.
     */
    record Reduce(long[] inboxes, long parts, long src, long dst, long counter, int rank, int n, int type, long error,
                  boolean releaseEarly, boolean pushed, boolean early) {
        /** The add's input that is not this reduction's sum, or -1 when the add does not read the sum. */
        long otherInput(Add a) {
            if (a.n() != n) return -1;
            return a.a() == dst ? a.b() : a.b() == dst ? a.a() : -1;
        }
    }

    /** A rope of x in place: tokens rows of heads x headDim, positions from the step's position word. */
    record Rope(long x, int tokens, int heads, int headDim, int ropeDim, boolean neox, float theta, long factors) {
        boolean sameAngles(Rope o) {
            return tokens == o.tokens && headDim == o.headDim && ropeDim == o.ropeDim && neox == o.neox && theta == o.theta
                    && factors == o.factors;
        }
    }

    private final CudaBackend gpu;
    private final long position;  // device address of the step's position, read by rope_kv
    private final HeldMarks marksAfterReduce;
    private Reduce reduce;
    private Add add;
    private final List<Rope> ropes = new ArrayList<>(2);

    HeldLaunches(CudaBackend gpu, long position, IntConsumer mark) {
        this.gpu = gpu;
        this.position = position;
        this.marksAfterReduce = new HeldMarks(mark);
    }

    void hold(Reduce r) {
        flush();
        reduce = r;
    }

    boolean holdsReduce() {
        return reduce != null;
    }

    /** A timing mark that belongs behind the held reduction. */
    void markAfterReduce(int slot) {
        marksAfterReduce.add(slot);
    }

    /** Holds an add: it joins a held reduction whose sum it reads; anything else held runs first. */
    void hold(Add a) {
        if (reduce == null || add != null || !ropes.isEmpty() || reduce.otherInput(a) < 0) flush();
        add = a;
    }

    /**
     * The held reduction whose sum {@code a} (just taken with takeAdd) reads, taken out; null when there is none. The
     * caller launches it fused, then calls {@link #reduced}.
     */
    Reduce takeReduce(Add a) {
        if (reduce == null || !ropes.isEmpty() || reduce.otherInput(a) < 0) return null;
        Reduce r = reduce;
        reduce = null;
        return r;
    }

    /** Records the marks that waited for the reduction, now launched. */
    void reduced() {
        marksAfterReduce.record();
    }

    /** Holds a rope; a q rope waits for its k rope (same angles), anything else runs what was held first. */
    void hold(Rope r) {
        if (reduce != null || add != null || ropes.size() == 2 || !ropes.isEmpty() && !ropes.getFirst().sameAngles(r)) flush();
        ropes.add(r);
    }

    /** The held add whose sum is {@code out} (n values), taken out; null when something else is held. */
    Add takeAdd(long out, long n) {
        if (add == null || add.out() != out || add.n() != n || !ropes.isEmpty()) return null;
        Add a = add;
        add = null;
        return a;
    }

    /**
     * Takes out the held ropes when they are exactly those of q (qHeads) and k (kHeads), both of headDim, and returns
     * their shared angles; null otherwise (they stay held).
     */
    Rope takeRopes(long q, int qHeads, long k, int kHeads, int headDim) {
        if (reduce != null || add != null || ropes.size() != 2) return null;
        Rope rq = ropes.get(0).x() == q ? ropes.get(0) : ropes.get(1), rk = rq == ropes.get(0) ? ropes.get(1) : ropes.get(0);
        if (rq.x() != q || rq.heads() != qHeads || rk.x() != k || rk.heads() != kHeads || rq.headDim() != headDim) return null;
        ropes.clear();
        return rq;
    }

    /** Launches whatever is held, in order (the caller has made the device current). */
    void flush() {
        if (reduce != null) {
            Reduce r = reduce;
            reduce = null;
            gpu.allReducePush(r.inboxes(), r.src(), r.dst(), r.counter(), r.rank(), r.n(), r.type(), r.error());
            reduced();
        }
        if (add != null) gpu.add(add.a(), add.b(), add.out(), add.n());
        add = null;
        for (Rope r : ropes)
            gpu.ropeKv(r.x(), 0L, 0L, 0L, 0L, position, r.tokens(), r.heads(), 0, r.headDim(), r.ropeDim(), r.neox(), r.theta(), r.factors());
        ropes.clear();
    }
}
