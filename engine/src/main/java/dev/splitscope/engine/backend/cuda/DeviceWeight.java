package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;

/**
 * A weight matrix resident on a GPU in the layout its matvec kernel reads: {@code experts} stacked matrices of
 * {@code rows} x {@code cols}. Q8_0, Q4_0 and Q6_K are repacked (quants apart from their f16 scales, so loads are
 * 16-byte aligned); Q4_K, F32, F16 and BF16 keep GGML's bytes. {@code scales} is null for the unrepacked types.
 */
public record DeviceWeight(QuantType type, int rows, int cols, int experts, DeviceBuffer data, DeviceBuffer scales)
        implements AutoCloseable {

    /** Device bytes of the weights (what a matvec reads once). */
    public long bytes() {
        return data.bytes() + (scales == null ? 0 : scales.bytes());
    }

    long scalesAddress() {
        return scales == null ? 0L : scales.address();
    }

    @Override
    public void close() {
        data.close();
        if (scales != null) scales.close();
    }
}
