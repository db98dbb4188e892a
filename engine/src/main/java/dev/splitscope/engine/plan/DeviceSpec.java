package dev.splitscope.engine.plan;

/**
 * One device a plan targets. {@code index} is its position in the plan's device list (what placements refer to);
 * {@code id} names it for people ({@code cpu:1}, {@code cuda:0}, {@code hyp:2}) and may repeat for logical CUDA devices
 * sharing one GPU. Memory is {@link #UNKNOWN} until a backend fills it; bandwidths are in bytes per second (0 = unknown).
 */
public record DeviceSpec(int index, String id, DeviceKind kind, String name, long memoryBytes,
                         double memoryBandwidth, LinkSpec link) {
    public static final long UNKNOWN = -1;

    public DeviceSpec {
        if (index < 0) throw new IllegalArgumentException("device index " + index + " < 0");
        if (memoryBytes < 0 && memoryBytes != UNKNOWN)
            throw new IllegalArgumentException("device " + id + ": memory " + memoryBytes + " bytes is negative");
        if (kind == null || link == null) throw new IllegalArgumentException("device " + id + ": kind and link are required");
    }

    public boolean memoryKnown() {
        return memoryBytes != UNKNOWN;
    }

    public DeviceSpec withIndex(int i) {
        return new DeviceSpec(i, id, kind, name, memoryBytes, memoryBandwidth, link);
    }

    /** A copy with the memory a backend found (CUDA fills this once it has asked the driver). */
    public DeviceSpec withMemory(long bytes) {
        return new DeviceSpec(index, id, kind, name, bytes, memoryBandwidth, link);
    }

    public DeviceSpec withLink(LinkSpec l) {
        return new DeviceSpec(index, id, kind, name, memoryBytes, memoryBandwidth, l);
    }
}
