package dev.splitscope.engine.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.lang.foreign.MemorySegment;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

/**
 * A plain device allocation (cuMemAlloc: 256-byte aligned, never managed memory). Copies are synchronous and go
 * through the legacy stream, which orders them after the work queued on the device's (blocking) stream.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** Host-to-device copies go in pieces, since a ByteBuffer view of a mapped file stops at 2 GiB. */
    private static final long COPY_CHUNK = 1L << 30;

    private final CUdeviceptr ptr = new CUdeviceptr();
    private final long bytes;
    private final long address;
    private boolean freed;

    private DeviceBuffer(long bytes) {
        this.bytes = bytes;
        cuMemAlloc(ptr, Math.max(bytes, 1));
        address = Handles.address(ptr);
    }

    public static DeviceBuffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes + " bytes");
        return new DeviceBuffer(bytes);
    }

    public static DeviceBuffer of(float[] host) {
        DeviceBuffer b = allocate(4L * host.length);
        b.upload(host);
        return b;
    }

    public static DeviceBuffer of(int[] host) {
        DeviceBuffer b = allocate(4L * host.length);
        b.upload(host);
        return b;
    }

    public long bytes() { return bytes; }
    /** The device address, for kernel arguments. */
    public long address() { return address; }
    CUdeviceptr pointer() { return ptr; }

    public void upload(float[] host) {
        check(0, 4L * host.length);
        cuMemcpyHtoD(ptr, Pointer.to(host), 4L * host.length);
    }

    public void upload(int[] host) {
        check(0, 4L * host.length);
        cuMemcpyHtoD(ptr, Pointer.to(host), 4L * host.length);
    }

    /** Copies {@code n} bytes of {@code src} from {@code srcOff} to this buffer at {@code dstOff}. */
    public void upload(MemorySegment src, long srcOff, long dstOff, long n) {
        check(dstOff, n);
        for (long done = 0; done < n; done += COPY_CHUNK) {
            long len = Math.min(COPY_CHUNK, n - done);
            MemorySegment part = src.asSlice(srcOff + done, len);
            Pointer host = part.isNative() ? Pointer.to(part.asByteBuffer()) : Pointer.to(part.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            cuMemcpyHtoD(ptr.withByteOffset(dstOff + done), host, len);
        }
    }

    public float[] downloadFloats(long offset, int count) {
        check(offset, 4L * count);
        float[] out = new float[count];
        cuMemcpyDtoH(Pointer.to(out), ptr.withByteOffset(offset), 4L * count);
        return out;
    }

    public int[] downloadInts(long offset, int count) {
        check(offset, 4L * count);
        int[] out = new int[count];
        cuMemcpyDtoH(Pointer.to(out), ptr.withByteOffset(offset), 4L * count);
        return out;
    }

    /** Sets every byte to {@code value} (tests poison outputs this way before a kernel runs). */
    public void fill(byte value) {
        cuMemsetD8(ptr, value, bytes);
    }

    private void check(long off, long n) {
        if (freed) throw new IllegalStateException("device buffer already freed");
        if (off < 0 || n < 0 || off + n > bytes)
            throw new IndexOutOfBoundsException("copy of " + n + " bytes at " + off + " outside a " + bytes + "-byte device buffer");
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFree(ptr);
        }
    }
}
