package dev.splitscope.engine.plan;

/**
 * Planned memory of one device: weights (sum of its placements), KV cache at the plan's context, and an estimate of
 * the compute buffer (see {@link ComputeEstimate#METHOD}). {@code capacityBytes} is -1 when the device's memory is
 * unknown; {@code fits} is then true and the plan carries a MEMORY_UNKNOWN note.
 */
public record DeviceMemory(int device, long weightBytes, long kvBytes, long computeBytes, long totalBytes,
                           long capacityBytes, boolean fits) {

    public static DeviceMemory of(int device, long weights, long kv, long compute, long capacity) {
        long total = weights + kv + compute;
        return new DeviceMemory(device, weights, kv, compute, total, capacity, capacity < 0 || total <= capacity);
    }

    /** Bytes missing (0 when it fits or the capacity is unknown). */
    public long shortfallBytes() {
        return capacityBytes < 0 ? 0 : Math.max(0, totalBytes - capacityBytes);
    }

    /** Bytes left over, or -1 when the capacity is unknown. */
    public long freeBytes() {
        return capacityBytes < 0 ? -1 : capacityBytes - totalBytes;
    }
}
