package dev.splitscope.engine.backend.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Growable device scratch of one CUDA device: q8_1 activations, split-K attention partials, cuBLAS f16 tiles, token
 * ids and the MoE slot buffers. A buffer is reallocated only when a larger one is asked for (which also changes the
 * launch signature, so decode graphs are re-captured).
 *
 * <p>A buffer outgrown while launches are deferred (a decode step being recorded) is not freed until the scratch is
 * closed: the recorded launches still name it, and freeing device memory waits for the whole GPU, where a logical
 * device sharing it may be spinning in a reduction until this one launches its own part.
 */
final class CudaScratch implements AutoCloseable {
    private final BooleanSupplier launchesDeferred;
    private final List<AutoCloseable> outgrown = new ArrayList<>();
    private Q8Input q8, q8Second;
    private AttentionScratch attention;
    private GemmScratch gemm;
    private DeviceBuffer ids, routeIds, moeGate, moeUp, moeDown;

    CudaScratch(BooleanSupplier launchesDeferred) {
        this.launchesDeferred = launchesDeferred;
    }

    /** Frees a buffer that a larger one replaces, or keeps it for {@link #close} while launches are deferred. */
    private void retire(AutoCloseable old) {
        if (old == null) return;
        if (launchesDeferred.getAsBoolean()) {
            outgrown.add(old);
            return;
        }
        try {
            old.close();
        } catch (Exception e) {
            throw new IllegalStateException("freeing CUDA scratch failed", e);
        }
    }

    Q8Input q8(long elements) {
        return q8 = atLeast(q8, elements);
    }

    /**
     * A second q8_1 buffer, for a kernel that may run while a matvec still reads the first (a fused reduction that
     * starts before its matvec has finished).
     */
    Q8Input q8Second(long elements) {
        return q8Second = atLeast(q8Second, elements);
    }

    /** q when it holds this many elements, else a new buffer that does (q retired). */
    private Q8Input atLeast(Q8Input q, long elements) {
        if (q != null && q.capacity() >= elements) return q;
        retire(q);
        return Q8Input.allocate(Math.max(elements, 4096));
    }

    /** True when q is one of the q8_1 buffers now held (not one replaced by a larger). */
    boolean holds(Q8Input q) {
        return q != null && (q == q8 || q == q8Second);
    }

    AttentionScratch attention(int n, int heads, int splits, int hd) {
        if (attention == null || (long) n * heads * splits * hd * 4 > attention.part().bytes() || (long) n * heads * splits * 8 > attention.ml().bytes()) {
            retire(attention);
            attention = AttentionScratch.allocate(n, heads, splits, hd);
        }
        return attention;
    }

    GemmScratch gemm(long weightElements, long inputElements) {
        if (gemm == null || 2 * weightElements > gemm.weights().bytes() || 2 * inputElements > gemm.inputs().bytes()) {
            long w = Math.max(weightElements, gemm == null ? 0 : gemm.weights().bytes() / 2);
            long x = Math.max(inputElements, gemm == null ? 0 : gemm.inputs().bytes() / 2);
            retire(gemm);
            gemm = GemmScratch.allocate(w, x);
        }
        return gemm;
    }

    DeviceBuffer ids(int n) {
        return ids = grow(ids, 4L * n);
    }

    DeviceBuffer routeIds(int n) {
        return routeIds = grow(routeIds, 4L * n);
    }

    DeviceBuffer moeGate(long floats) {
        return moeGate = grow(moeGate, 4 * floats);
    }

    DeviceBuffer moeUp(long floats) {
        return moeUp = grow(moeUp, 4 * floats);
    }

    DeviceBuffer moeDown(long floats) {
        return moeDown = grow(moeDown, 4 * floats);
    }

    private DeviceBuffer grow(DeviceBuffer b, long bytes) {
        if (b != null && b.bytes() >= bytes) return b;
        retire(b);
        return DeviceBuffer.allocate(Math.max(bytes, 256));
    }

    @Override
    public void close() {
        outgrown.addAll(Arrays.asList(q8, q8Second, attention, gemm, ids, routeIds, moeGate, moeUp, moeDown));
        for (AutoCloseable c : outgrown) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                throw new IllegalStateException("freeing CUDA scratch failed", e);
            }
        }
        outgrown.clear();
    }
}
