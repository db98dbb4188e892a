package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Backend;
import dev.splitscope.engine.backend.DeviceOps;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;

/**
 * The "cuda" backend, found through ServiceLoader. It probes the driver once: where there is no JCuda native
 * library, no libcuda, no GPU, or no way to get the kernels (no fatbin and no NVRTC), it stays listed as unavailable
 * with the reason, and nothing else fails.
 */
public final class CudaBackendProvider implements Backend {
    private volatile String reason;
    private volatile int count = -1;

    @Override
    public String kind() {
        return "cuda";
    }

    private synchronized void probe() {
        if (count >= 0) return;
        try (CudaDevice d = CudaDevice.open(0)) {
            int[] n = new int[1];
            cuDeviceGetCount(n);
            if (!KernelLibrary.hasFatbins()) Nvrtc.load();
            count = n[0];
            reason = null;
        } catch (CudaUnavailableException e) {
            count = 0;
            reason = e.getMessage();
        }
    }

    @Override
    public boolean available() {
        probe();
        return reason == null;
    }

    @Override
    public String unavailableReason() {
        probe();
        return reason;
    }

    @Override
    public int deviceCount() {
        probe();
        return count;
    }

    @Override
    public long[] memory(int ordinal) {
        requireAvailable();
        try (CudaDevice d = CudaDevice.open(ordinal)) {
            long[] freeTotal = d.memoryInfo();
            return new long[] {freeTotal[1], freeTotal[0]};
        }
    }

    @Override
    public DeviceOps open(int ordinal, String name, int threads) {
        requireAvailable();
        return new CudaDeviceOps(CudaBackend.open(ordinal), name);
    }

    private void requireAvailable() {
        if (!available()) throw new CudaUnavailableException("the CUDA backend is unavailable: " + reason);
    }
}
