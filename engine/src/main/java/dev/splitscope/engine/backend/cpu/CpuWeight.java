package dev.splitscope.engine.backend.cpu;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantCodecs;

/**
 * A weight on a CPU device: the zero-copy view of the mapped file. Small vectors (norms, biases) are also kept
 * dequantized, since every token reads them whole.
 */
final class CpuWeight implements DeviceOps.Weight {
    private final WeightView view;
    private float[] dense;

    CpuWeight(WeightView view) {
        this.view = view;
    }

    @Override
    public WeightView view() {
        return view;
    }

    /** The whole view as f32, cached (only for 1-row tensors: norms and biases). */
    float[] dense() {
        if (dense == null) {
            float[] d = new float[view.rows() * view.cols()];
            for (int r = 0; r < view.rows(); r++)
                QuantCodecs.dequantize(view.type(), view.data(), view.rowOffset(r), d, r * view.cols(), view.cols());
            dense = d;
        }
        return dense;
    }
}
