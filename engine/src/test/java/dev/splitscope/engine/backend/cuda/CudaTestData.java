package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fresh random inputs, GGML-encoded weights with their CPU-decoded oracle, and the relative-error check. */
final class CudaTestData {
    private CudaTestData() {}

    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    /** A weight tensor encoded by the scalar codec, and what the codec decodes it back to (the oracle's view). */
    record Encoded(QuantType type, MemorySegment bytes, float[] decoded, int rows, int cols) {}

    static Encoded encode(Random r, QuantType t, int rows, int cols) {
        float[] w = random(r, rows * cols, 0.5f);
        MemorySegment seg = Arena.ofAuto().allocate(t.bytesFor((long) rows * cols), 16);
        QuantCodecs.quantize(t, w, 0, rows * cols, seg, 0);
        float[] dec = QuantCodecs.dequantize(t, seg, rows * cols);
        return new Encoded(t, seg, dec, rows, cols);
    }

    /** y[b][r] = sum_c W[r][c] x[b][c] in double. */
    static double[] matvec(float[] w, int rows, int cols, float[] x, int batch) {
        double[] y = new double[batch * rows];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += (double) w[i * cols + c] * x[b * cols + c];
                y[b * rows + i] = s;
            }
        return y;
    }

    /** ||got - want|| / ||want|| below tol, and no NaN (a NaN fails the comparison). */
    static void assertClose(double[] want, float[] got, double tol, String what) {
        double num = 0, den = 0;
        for (int i = 0; i < want.length; i++) {
            double d = got[i] - want[i];
            num += d * d;
            den += want[i] * want[i];
        }
        double rel = Math.sqrt(num / Math.max(den, 1e-30));
        assertTrue(rel < tol, what + ": relative error " + rel + " >= " + tol);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
