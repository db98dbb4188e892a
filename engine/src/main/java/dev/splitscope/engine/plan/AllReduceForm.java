package dev.splitscope.engine.plan;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * How an all-reduce moves the partial sums, as the engine's automatic reduce path (ReducePath.AUTO) runs it. A decode
 * step's buffers are a few KB, where a latency step costs more than the bytes: one exchange beats the 2(p-1) steps of
 * a ring until the ring's smaller share of the bytes pays, which takes large buffers and many devices.
 */
public enum AllReduceForm {
    /**
     * Every device sends its whole partial to every other and adds what it gets: one step, p-1 times the buffer out
     * of each device. The engine's peer path, which it takes on one GPU (logical devices) and between two; CPU devices
     * meet on the host, also in one step.
     */
    ONE_SHOT("one-shot"),
    /** Reduce-scatter, then all-gather, around a ring: 2(p-1) steps, 2(p-1)/p of the buffer out of each device (NCCL). */
    RING("ring");

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
        return this == ONE_SHOT ? 1 : 2 * (p - 1);
    }

    /** Estimated seconds of one all-reduce of {@code payload} bytes over {@code p} devices on {@code link}. */
    public double seconds(LinkSpec link, long payload, int p) {
        return link.seconds(wireBytes(payload, p), steps(p));
    }

    /**
     * Both forms side by side for one all-reduce, for people: which would be faster on this link at this size, and
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

    /** The form the engine takes for these (working) devices: one-shot up to two, on one GPU and on CPUs; else a ring. */
    static AllReduceForm of(List<DeviceSpec> working) {
        if (working.size() <= 2) return ONE_SHOT;
        DeviceSpec first = working.getFirst();
        boolean oneGpu = working.stream().allMatch(d -> d.kind() == DeviceKind.CUDA && d.id().equals(first.id()));
        boolean cpus = working.stream().allMatch(d -> d.kind() == DeviceKind.CPU);
        return oneGpu || cpus ? ONE_SHOT : RING;
    }
}
