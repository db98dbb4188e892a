package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.Backend;
import dev.splitscope.engine.backend.DeviceOps;

/** Virtual CPU devices: any number of logical devices on this host, each with its own worker threads. */
public final class CpuBackend implements Backend {
    @Override
    public String kind() {
        return "cpu";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public long[] memory(int ordinal) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return new long[]{os.getTotalMemorySize(), os.getFreeMemorySize()};
    }

    @Override
    public DeviceOps open(int ordinal, String name, int threads) {
        return new CpuDeviceOps(name, threads);
    }
}
