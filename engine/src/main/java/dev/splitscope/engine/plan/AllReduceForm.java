package dev.splitscope.engine.plan;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * How an all-reduce moves the partial sums. A decode step's buffers are a few KB, where a latency step costs more than
 * the bytes: one exchange beats the 2(p-1) steps of a ring until the ring's smaller share of the bytes pays, which
 * takes large buffers and many devices. Two-shot sends the ring's bytes in two steps. The engine's automatic reduce
 * path (ReducePath.AUTO, on GPUs that reach each other) takes one-shot for rows up to {@link #ONE_SHOT_MAX_VALUES}
 * values and two-shot above that from three devices on ({@link #of}); NCCL, which it takes only when asked or where
 * peer access is missing, runs a ring.
 */
public enum AllReduceForm {
    /**
     * Every device sends its whole partial to every other and adds what it gets: one step, p-1 times the buffer out
     * of each device. The engine's peer path for decode rows, and for every size up to two devices; CPU devices meet
     * on the host, also in one step.
     */
    ONE_SHOT("one-shot"),
    /**
     * Each device sums one p-th of the buffer from every partial (reduce-scatter) and sends that chunk to every other
     * (all-gather): two steps, 2(p-1)/p of the buffer out of each device. The engine's peer path for prompt batches
     * from three devices on.
     */
    TWO_SHOT("two-shot"),
    /** Reduce-scatter, then all-gather, around a ring: 2(p-1) steps, 2(p-1)/p of the buffer out of each device (NCCL). */
    RING("ring");

    /** The most values the engine's peer path reduces one-shot on any number of devices (CudaBackend.ALL_REDUCE_SMALL). */
    public static final int ONE_SHOT_MAX_VALUES = 16384;
    /**
     * The most ranks the engine's peer path puts on one GPU with the driver's default 8 hardware queues: one each, one
     * left for copies (CudaCollectives.peerRanksPerGpu, which follows CUDA_DEVICE_MAX_CONNECTIONS where it is set).
     */
    public static final int PEER_RANKS_PER_GPU = 7;

    public final String label;

    AllReduceForm(String label) {
        this.label = label;
    }

    /** Bytes each device sends for one all-reduce of {@code payload} bytes over {@code p} devices. */
    public long wireBytes(long payload, int p) {
        return this == ONE_SHOT ? (long) (p - 1) * payload : 2L * (p - 1) * payload / p;
    }

    /** Latency-bound steps of one all-reduce over {@code p} devices. */
    public int steps(int p) {
        return switch (this) {
            case ONE_SHOT -> 1;
            case TWO_SHOT -> 2;
            case RING -> 2 * (p - 1);
        };
    }

    /** Estimated seconds of one all-reduce of {@code payload} bytes over {@code p} devices on {@code link}. */
    public double seconds(LinkSpec link, long payload, int p) {
        return link.seconds(wireBytes(payload, p), steps(p));
    }

    /**
     * Every form side by side for one all-reduce, for people: which would be faster on this link at this size, and
     * which the engine takes ({@code chosen}).
     */
    public static String compare(LinkSpec link, long payload, int p, AllReduceForm chosen) {
        StringJoiner forms = new StringJoiner("; ", String.format(Locale.ROOT, "one all-reduce of %s over %d devices on %s: ",
                Units.bytes(payload), p, link.name()), "; the engine takes " + chosen.label);
        for (AllReduceForm f : values())
            forms.add(String.format(Locale.ROOT, "%s %s (%d step%s, %s out of each device)", f.label,
                    Units.seconds(f.seconds(link, payload, p)), f.steps(p), f.steps(p) == 1 ? "" : "s", Units.bytes(f.wireBytes(payload, p))));
        return forms.toString();
    }

    /**
     * The form the engine takes for an all-reduce of {@code values} values over these (working) devices: one-shot up
     * to two devices, on CPUs and for rows up to {@link #ONE_SHOT_MAX_VALUES}; two-shot above that.
     */
    static AllReduceForm of(List<DeviceSpec> working, long values) {
        boolean cpus = working.stream().allMatch(d -> d.kind() == DeviceKind.CPU);
        return working.size() <= 2 || cpus || values <= ONE_SHOT_MAX_VALUES ? ONE_SHOT : TWO_SHOT;
    }
}
