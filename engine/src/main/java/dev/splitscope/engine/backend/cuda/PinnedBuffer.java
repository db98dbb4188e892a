package dev.splitscope.engine.backend.cuda;

import jcuda.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;

/**
 * Page-locked host memory: the only host memory an asynchronous copy may read or write, and the only kind a copy
 * captured into a CUDA graph can use (the graph reads it again at every replay).
 */
final class PinnedBuffer implements AutoCloseable {
    private final Pointer pointer = new Pointer();
    private final ByteBuffer bytes;
    private boolean freed;

    PinnedBuffer(long size) {
        cuMemAllocHost(pointer, Math.max(size, 4));
        bytes = pointer.getByteBuffer(0, Math.max(size, 4)).order(ByteOrder.nativeOrder());
    }

    Pointer pointer() {
        return pointer;
    }

    long size() {
        return bytes.capacity();
    }

    ByteBuffer bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFreeHost(pointer);
        }
    }
}
