package dev.splitscope.engine.backend.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import static jcuda.driver.JCudaDriver.cuCtxEnablePeerAccess;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceCanAccessPeer;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * One GPU through the JCuda driver API: its primary context (made current on the calling thread) and one stream on
 * which every kernel, copy and cuBLAS call of this device runs in order. Use from one thread at a time.
 */
public final class CudaDevice implements AutoCloseable {
    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String name;
    private final int smCount, computeCapability;
    private final long totalMemory;

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        // a blocking stream, so the synchronous copies of DeviceBuffer (legacy stream) stay ordered with its work
        cuStreamCreate(stream, 0);
        byte[] nm = new byte[256];
        cuDeviceGetName(nm, nm.length, device);
        int len = 0;
        while (len < nm.length && nm[len] != 0) len++;
        name = new String(nm, 0, len);
        smCount = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        computeCapability = 10 * attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        long[] total = new long[1];
        cuDeviceTotalMem(total, device);
        totalMemory = total[0];
    }

    /**
     * Opens GPU {@code ordinal}. Throws {@link CudaUnavailableException} saying why when there is no JCuda native
     * library for this platform, no driver (libcuda), or no such GPU.
     */
    public static CudaDevice open(int ordinal) {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (ordinal >= count[0])
                throw new CudaUnavailableException("no CUDA device " + ordinal + ": the driver reports " + count[0] + " device(s)");
            return new CudaDevice(ordinal);
        } catch (CudaUnavailableException e) {
            throw e;
        } catch (LinkageError e) {
            throw new CudaUnavailableException("the CUDA driver could not be loaded: no NVIDIA driver (libcuda.so.1) or no JCuda native library for this platform (" + firstLine(e) + ")", e);
        } catch (RuntimeException e) {
            throw new CudaUnavailableException("CUDA initialisation failed (" + firstLine(e) + ")", e);
        }
    }

    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /** Makes this device's context current on the calling thread (each host thread must, before using it). */
    public void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    /** True when kernels on this GPU can read {@code other}'s memory directly (same GPU, or peer access possible). */
    public boolean canAccessPeer(CudaDevice other) {
        if (other.ordinal == ordinal) return true;
        int[] can = new int[1];
        cuDeviceCanAccessPeer(can, device, other.device);
        return can[0] != 0;
    }

    /** Lets kernels on this GPU read {@code other}'s memory (once per pair; a no-op for the same GPU). */
    public void enablePeerAccess(CudaDevice other) {
        if (other.ordinal == ordinal) return;
        makeCurrent();
        int rc;
        JCudaDriver.setExceptionsEnabled(false);  // "already enabled" is an answer here, not an error
        try {
            rc = cuCtxEnablePeerAccess(other.context, 0);
        } finally {
            JCudaDriver.setExceptionsEnabled(true);
        }
        if (rc != CUresult.CUDA_SUCCESS && rc != CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED)
            throw new IllegalStateException("peer access from GPU " + ordinal + " to GPU " + other.ordinal + " failed: " + CUresult.stringFor(rc));
    }

    public void synchronize() {
        cuStreamSynchronize(stream);
    }

    /** Free and total device memory in bytes. */
    public long[] memoryInfo() {
        long[] free = new long[1], total = new long[1];
        cuMemGetInfo(free, total);
        return new long[] {free[0], total[0]};
    }

    public int ordinal() { return ordinal; }
    public String name() { return name; }
    public int smCount() { return smCount; }
    /** e.g. 90 for sm_90. */
    public int computeCapability() { return computeCapability; }
    public long totalMemory() { return totalMemory; }
    CUstream stream() { return stream; }
    long streamAddress() { return Handles.address(stream); }

    @Override
    public void close() {
        cuCtxSetCurrent(context);
        cuStreamSynchronize(stream);
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(device);
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " " + name + " (sm_" + computeCapability + ", " + smCount + " SMs, " + (totalMemory >> 20) + " MiB)";
    }
}
