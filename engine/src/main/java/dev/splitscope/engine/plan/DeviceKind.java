package dev.splitscope.engine.plan;

/** What a planned device is: a virtual CPU device of this host, a CUDA device, or a device that exists only on paper. */
public enum DeviceKind {
    CPU, CUDA, HYPOTHETICAL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
