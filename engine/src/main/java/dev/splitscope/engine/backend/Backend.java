package dev.splitscope.engine.backend;

/**
 * A kind of device ("cpu", "cuda") that can open {@link DeviceOps}. Found through ServiceLoader; a backend that cannot
 * run here (no driver, no GPU) stays listed and says why in {@link #unavailableReason()}.
 */
public interface Backend {
    /** The device-string prefix this backend serves, e.g. "cpu" or "cuda". */
    String kind();

    boolean available();

    /** Why the backend is unavailable, or null when it is available. */
    String unavailableReason();

    /** Number of physical devices (CPU: 1, the host). */
    int deviceCount();

    /** Total and free memory of physical device {@code ordinal} in bytes (free may be an estimate). */
    long[] memory(int ordinal);

    /**
     * Opens one logical device on physical device {@code ordinal}; several logical devices may share one physical
     * device, each with its own buffers, streams or threads.
     *
     * @param threads worker threads (CPU) — ignored by GPU backends
     */
    DeviceOps open(int ordinal, String name, int threads);
}
