package dev.splitscope.engine.backend.cuda;

/** f16 device scratch for the cuBLAS prompt path: one dequantized weight matrix and one converted input batch. */
public record GemmScratch(DeviceBuffer weights, DeviceBuffer inputs) implements AutoCloseable {

    public static GemmScratch allocate(long maxWeightElements, long maxInputElements) {
        return new GemmScratch(DeviceBuffer.allocate(2 * maxWeightElements), DeviceBuffer.allocate(2 * maxInputElements));
    }

    void require(long weightElements, long inputElements) {
        if (2 * weightElements > weights.bytes() || 2 * inputElements > inputs.bytes())
            throw new IllegalArgumentException("gemm scratch too small: needs " + weightElements + " weight and " + inputElements + " input halves");
    }

    @Override
    public void close() {
        weights.close();
        inputs.close();
    }
}
