package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Copies GGML weight bytes (e.g. a zero-copy slice of a mapped GGUF) to the device once, then repacks the types whose
 * blocks are not 16-byte aligned on the GPU itself (Q8_0: 34 B, Q4_0: 18 B, Q6_K: 210 B).
 */
final class WeightUploader {
    static final Set<QuantType> SUPPORTED = EnumSet.of(QuantType.F32, QuantType.F16, QuantType.BF16,
            QuantType.Q8_0, QuantType.Q4_0, QuantType.Q4_K, QuantType.Q6_K);

    private final CudaDevice device;
    private final KernelLibrary kernels;

    WeightUploader(CudaDevice device, KernelLibrary kernels) {
        this.device = device;
        this.kernels = kernels;
    }

    DeviceWeight upload(QuantType type, MemorySegment src, long offset, int rows, int cols, int experts) {
        if (!SUPPORTED.contains(type))
            throw new UnsupportedOperationException("the CUDA backend has no kernels for " + type + " weights (supported: " + SUPPORTED + ")");
        long totalRows = (long) rows * experts;
        long bytes = totalRows * type.bytesFor(cols);
        if (offset < 0 || offset + bytes > src.byteSize())
            throw new IndexOutOfBoundsException(type + " weight of " + experts + "x" + rows + "x" + cols + " (" + bytes
                    + " bytes at " + offset + ") runs past its source of " + src.byteSize() + " bytes");
        long nblocks = totalRows * (cols / type.blockSize);
        return switch (type) {
            case Q8_0 -> repack(Kernel.REPACK_Q8_0, src, offset, bytes, nblocks, nblocks * 32, type, rows, cols, experts);
            case Q4_0 -> repack(Kernel.REPACK_Q4_0, src, offset, bytes, nblocks, nblocks * 16, type, rows, cols, experts);
            case Q6_K -> repack(Kernel.REPACK_Q6_K, src, offset, bytes, nblocks, nblocks * 208, type, rows, cols, experts);
            default -> {
                DeviceBuffer data = DeviceBuffer.allocate(bytes);
                data.upload(src, offset, 0, bytes);
                yield new DeviceWeight(type, rows, cols, experts, data, null);
            }
        };
    }

    private DeviceWeight repack(Kernel k, MemorySegment src, long offset, long bytes, long nblocks, long quantBytes,
                                QuantType type, int rows, int cols, int experts) {
        DeviceBuffer data = DeviceBuffer.allocate(quantBytes);
        DeviceBuffer scales = DeviceBuffer.allocate(2 * nblocks);
        try (DeviceBuffer raw = DeviceBuffer.allocate(bytes)) {
            raw.upload(src, offset, 0, bytes);
            int threads = 256;
            long grid = (quantBytes + threads - 1) / threads;
            kernels.launch(k, Math.toIntExact(grid), 1, 1, threads, 1, raw, data, scales, nblocks);
            device.synchronize();  // raw is freed next
        }
        return new DeviceWeight(type, rows, cols, experts, data, scales);
    }
}
