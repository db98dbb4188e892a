package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Random;

import static dev.splitscope.engine.backend.cuda.CudaTestData.assertClose;
import static dev.splitscope.engine.backend.cuda.CudaTestData.encode;
import static dev.splitscope.engine.backend.cuda.CudaTestData.random;

/**
 * Every matvec type (Q4_0 and Q8_0 in every {@link MatvecVariant}), the expert (MoE) form, get_rows and the
 * cuBLAS prompt path against the scalar codecs in double.
 */
@Tag("cuda")
class CudaMatvecTest {
    static CudaBackend gpu;

    @BeforeAll
    static void open() {
        gpu = CudaBackend.open(0);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    /** The kernels to check for t: every variant for Q4_0 and Q8_0, else the one kernel the type has. */
    static List<MatvecVariant> variants(QuantType t) {
        return t == QuantType.Q4_0 || t == QuantType.Q8_0 ? List.of(MatvecVariant.values()) : List.of(MatvecVariant.BASE);
    }

    /** Runs check with variant v in use, then puts back the default. */
    static void withVariant(MatvecVariant v, Runnable check) {
        gpu.setMatvecVariant(v);
        try {
            check.run();
        } finally {
            gpu.setMatvecVariant(MatvecVariant.fromProperty());
        }
    }

    /** q8_1 activations cost about 0.5 % per dot product; float weights should agree to rounding. */
    static double tol(QuantType t) {
        return t.isQuantized() ? 1.5e-2 : 1e-5;
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void matvecMatchesOracle(QuantType t) {
        Random r = new Random(System.nanoTime());
        // 4608 columns: two shared-memory tiles, the second short; 3 rows: fewer than a variant's rows per warp
        for (int[] shape : new int[][] {{301, 1024}, {37, 2560}, {75, 4608}, {3, 512}}) {
            int rows = shape[0], cols = shape[1], batch = 3;
            var w = encode(r, t, rows, cols);
            float[] x = random(r, batch * cols, 1f), y0 = random(r, batch * rows, 1f);
            double[] want = CudaTestData.matvec(w.decoded(), rows, cols, x, batch);
            for (int i = 0; i < want.length; i++) want[i] += y0[i];  // accumulate onto y
            for (MatvecVariant v : variants(t))
                for (int rpw : new int[] {0, 1, 2, 4}) {  // 0: the automatic choice; 2 and 4 split rows over warps
                    gpu.setWarpsPerRow(rpw);
                    try (DeviceWeight dw = gpu.upload(t, w.bytes(), 0, rows, cols, 1);
                         DeviceBuffer dx = DeviceBuffer.of(x); DeviceBuffer dy = DeviceBuffer.of(y0);
                         Q8Input q = Q8Input.allocate((long) batch * cols)) {
                        if (CudaBackend.needsQ8(dw)) gpu.quantizeQ8_1(dx.address(), q, batch, cols);
                        withVariant(v, () -> gpu.matvec(dw, dx.address(), q, dy.address(), batch, true));
                        assertClose(want, dy.downloadFloats(0, batch * rows), tol(t),
                                t + " matvec " + rows + "x" + cols + " " + v + " warps/row " + rpw);
                    } finally {
                        gpu.setWarpsPerRow(0);
                    }
                }
        }
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"Q8_0", "Q4_0"})
    void groupedMatvecsMatchOneByOne(QuantType t) {
        Random r = new Random(System.nanoTime());
        int batch = 2;
        int[] rows = {301, 64, 1000};
        for (int cols : new int[] {1024, 4608}) {
            float[] x = random(r, batch * cols, 1f);
            CudaTestData.Encoded[] enc = new CudaTestData.Encoded[rows.length];
            double[][] want = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                enc[i] = encode(r, t, rows[i], cols);
                want[i] = CudaTestData.matvec(enc[i].decoded(), rows[i], cols, x, batch);
            }
            for (int members = 2; members <= 3; members++) {
                DeviceWeight[] ws = new DeviceWeight[members];
                DeviceBuffer[] ys = new DeviceBuffer[members];
                try (DeviceBuffer dx = DeviceBuffer.of(x); Q8Input q = Q8Input.allocate((long) batch * cols)) {
                    long[] yAddr = new long[members];
                    for (int i = 0; i < members; i++) {
                        ws[i] = gpu.upload(t, enc[i].bytes(), 0, rows[i], cols, 1);
                        ys[i] = DeviceBuffer.allocate(4L * batch * rows[i]);
                        yAddr[i] = ys[i].address();
                    }
                    gpu.quantizeQ8_1(dx.address(), q, batch, cols);
                    for (MatvecVariant v : variants(t))
                        for (int rpw : new int[] {0, 1, 4}) {
                            for (DeviceBuffer y : ys) y.fill((byte) 0x7f);
                            gpu.setWarpsPerRow(rpw);
                            try {
                                withVariant(v, () -> gpu.matvecGroup(ws, yAddr, q, batch));
                            } finally {
                                gpu.setWarpsPerRow(0);
                            }
                            for (int i = 0; i < members; i++)
                                assertClose(want[i], ys[i].downloadFloats(0, batch * rows[i]), tol(t), t + " " + v + " " + cols + " cols warps/row " + rpw + ": grouped matvec " + i + " of " + members);
                        }
                } finally {
                    for (int i = 0; i < members; i++) {
                        if (ws[i] != null) ws[i].close();
                        if (ys[i] != null) ys[i].close();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F32", "F16", "BF16"})
    void floatMatvecOddWidth(QuantType t) {
        Random r = new Random(System.nanoTime());
        int rows = 64, cols = 172;
        var w = encode(r, t, rows, cols);
        float[] x = random(r, cols, 1f);
        try (DeviceWeight dw = gpu.upload(t, w.bytes(), 0, rows, cols, 1);
             DeviceBuffer dx = DeviceBuffer.of(x); DeviceBuffer dy = DeviceBuffer.allocate(4L * rows)) {
            dy.fill((byte) 0x7f);
            gpu.matvec(dw, dx.address(), null, dy.address(), 1, false);
            assertClose(CudaTestData.matvec(w.decoded(), rows, cols, x, 1), dy.downloadFloats(0, rows), 1e-5, t + " 172-wide");
        }
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void expertSlotsPickTheirExpertAndInput(QuantType t) {
        Random r = new Random(System.nanoTime());
        int experts = 4, rows = 37, cols = 512, k = 2, tokens = 2;  // 37: a short last row group in each expert
        var w = encode(r, t, experts * rows, cols);
        int[] ids = {2, 0, 3, 2};  // token 0 -> experts 2, 0; token 1 -> 3, 2
        float[] x = random(r, tokens * cols, 1f);
        double[] want = new double[ids.length * rows];
        for (int s = 0; s < ids.length; s++)
            for (int i = 0; i < rows; i++) {
                double acc = 0;
                for (int c = 0; c < cols; c++) acc += (double) w.decoded()[(ids[s] * rows + i) * cols + c] * x[(s / k) * cols + c];
                want[s * rows + i] = acc;
            }
        for (MatvecVariant v : variants(t))
            try (DeviceWeight dw = gpu.upload(t, w.bytes(), 0, rows, cols, experts);
                 DeviceBuffer dx = DeviceBuffer.of(x); DeviceBuffer di = DeviceBuffer.of(ids);
                 DeviceBuffer dy = DeviceBuffer.allocate(4L * ids.length * rows); Q8Input q = Q8Input.allocate((long) tokens * cols)) {
                dy.fill((byte) 0x7f);
                if (CudaBackend.needsQ8(dw)) gpu.quantizeQ8_1(dx.address(), q, tokens, cols);
                withVariant(v, () -> gpu.matvecSlots(dw, dx.address(), q, dy.address(), ids.length, di.address(), cols, k, false));
                assertClose(want, dy.downloadFloats(0, ids.length * rows), tol(t), t + " expert matvec " + v);
            }
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void getRowsDequantizes(QuantType t) {
        Random r = new Random(System.nanoTime());
        int rows = 50, cols = 512;
        var w = encode(r, t, rows, cols);
        int[] ids = {7, 0, 49, 7};
        double[] want = new double[ids.length * cols];
        for (int i = 0; i < ids.length; i++)
            for (int c = 0; c < cols; c++) want[i * cols + c] = w.decoded()[ids[i] * cols + c];
        try (DeviceWeight dw = gpu.upload(t, w.bytes(), 0, rows, cols, 1); DeviceBuffer di = DeviceBuffer.of(ids);
             DeviceBuffer out = DeviceBuffer.allocate(4L * ids.length * cols)) {
            out.fill((byte) 0x7f);
            gpu.getRows(dw, di.address(), out.address(), ids.length);
            assertClose(want, out.downloadFloats(0, ids.length * cols), 1e-6, t + " get_rows");
        }
    }

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void cublasPromptPathMatches(QuantType t) {
        Random r = new Random(System.nanoTime());
        int rows = 384, cols = 1024, n = 40;
        var w = encode(r, t, rows, cols);
        float[] x = random(r, n * cols, 1f);
        try (DeviceWeight dw = gpu.upload(t, w.bytes(), 0, rows, cols, 1); DeviceBuffer dx = DeviceBuffer.of(x);
             DeviceBuffer dy = DeviceBuffer.allocate(4L * n * rows); GemmScratch s = GemmScratch.allocate((long) rows * cols, (long) n * cols)) {
            dy.fill((byte) 0x7f);
            gpu.gemm(dw, dx.address(), dy.address(), n, false, s);
            assertClose(CudaTestData.matvec(w.decoded(), rows, cols, x, n), dy.downloadFloats(0, n * rows), 3e-3, t + " cuBLAS gemm");
        }
    }

    @Test
    void nvrtcCompilesTheSameKernels() {
        KernelLibrary lib = new KernelLibrary(gpu.device(), true);
        lib.loadAll();
        org.junit.jupiter.api.Assertions.assertTrue(lib.origin().startsWith("nvrtc"), lib.origin());
    }
}
