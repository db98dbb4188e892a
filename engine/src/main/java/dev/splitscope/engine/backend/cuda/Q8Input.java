package dev.splitscope.engine.backend.cuda;

/**
 * Device scratch for activations quantized to q8_1: {@code quants} int8 [n][cols] and {@code scales} float2
 * [n][cols/32] holding (d, d * sum q). One quantization feeds every matvec that reads the same activation.
 */
public record Q8Input(DeviceBuffer quants, DeviceBuffer scales, long capacity) implements AutoCloseable {

    /** Room for {@code elements} activations (a multiple of 32). */
    public static Q8Input allocate(long elements) {
        long padded = (elements + 31) / 32 * 32;
        return new Q8Input(DeviceBuffer.allocate(padded), DeviceBuffer.allocate(padded / 32 * 8), padded);
    }

    @Override
    public void close() {
        quants.close();
        scales.close();
    }
}
