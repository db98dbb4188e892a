package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;

/**
 * Kernel-level benchmark on one GPU: device-to-device copy bandwidth (the roofline), then for a model shape the
 * decode matvec chain of one token (every weight read once, q8_1 quantization included) replayed as a CUDA graph,
 * per-shape bandwidth, the same chain launched one kernel at a time, and the cuBLAS prompt chain for a batch.
 * For Q4_0 and Q8_0 the chain and every shape are timed with each {@link MatvecVariant} and each warps
 * per row (1, 2, 4 and the automatic choice), so one run compares them all.
 * Weights are random bytes (never zeros). Usage: CudaBench MODEL TYPE [layers], MODEL = llama3-8b | llama3-70b, or
 * CudaBench MODEL TYPE MODEL TYPE ... for several in one run (e.g. llama3-8b Q4_0 llama3-8b Q8_0 llama3-70b Q4_0).
 */
public final class CudaBench {
    record Shape(String name, int rows, int cols, int perLayer) {}

    private final CudaBackend gpu;
    private final DeviceBuffer noise;

    private CudaBench(CudaBackend gpu) {
        this.gpu = gpu;
        byte[] host = new byte[64 << 20];
        new Random(42).nextBytes(host);
        noise = DeviceBuffer.allocate(host.length);
        noise.upload(java.lang.foreign.MemorySegment.ofArray(host), 0, 0, host.length);
    }

    /** Device-to-device copy bandwidth in bytes/s, counting bytes read plus bytes written (median of 10). */
    static double copyBandwidth(CudaBackend gpu, long bytes) {
        gpu.device().makeCurrent();  // the last device opened may be another GPU
        try (DeviceBuffer a = DeviceBuffer.allocate(bytes); DeviceBuffer b = DeviceBuffer.allocate(bytes);
             CudaTimer t = new CudaTimer(gpu.device())) {
            a.fill((byte) 0x5a);
            float[] ms = new float[10];
            for (int i = -2; i < ms.length; i++) {
                t.start();
                cuMemcpyDtoD(b.pointer(), a.pointer(), bytes);
                float m = t.stopMillis();
                if (i >= 0) ms[i] = m;
            }
            return 2.0 * bytes / (median(ms) * 1e-3);
        }
    }

    static float median(float[] v) {
        float[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    DeviceWeight randomWeight(QuantType t, int rows, int cols) {
        long n = (long) rows * cols;
        return switch (t) {
            case Q8_0 -> new DeviceWeight(t, rows, cols, 1, fill(n), fill(n / 32 * 2));
            case Q4_0 -> new DeviceWeight(t, rows, cols, 1, fill(n / 2), fill(n / 32 * 2));
            case Q6_K -> new DeviceWeight(t, rows, cols, 1, fill(n / 256 * 208), fill(n / 256 * 2));
            default -> new DeviceWeight(t, rows, cols, 1, fill(t.bytesFor(n)), null);
        };
    }

    private DeviceBuffer fill(long bytes) {
        DeviceBuffer b = DeviceBuffer.allocate(bytes);
        for (long off = 0; off < bytes; off += noise.bytes())
            cuMemcpyDtoD(b.pointer().withByteOffset(off), noise.pointer(), Math.min(noise.bytes(), bytes - off));
        return b;
    }

    static List<Shape> shapes(String model) {
        return switch (model) {
            case "llama3-8b" -> List.of(new Shape("attn_q+o", 4096, 4096, 2), new Shape("attn_k+v", 1024, 4096, 2),
                    new Shape("ffn_gate+up", 14336, 4096, 2), new Shape("ffn_down", 4096, 14336, 1));
            case "llama3-70b" -> List.of(new Shape("attn_q+o", 8192, 8192, 2), new Shape("attn_k+v", 1024, 8192, 2),
                    new Shape("ffn_gate+up", 28672, 8192, 2), new Shape("ffn_down", 8192, 28672, 1));
            default -> throw new IllegalArgumentException("unknown model shape '" + model + "' (llama3-8b, llama3-70b)");
        };
    }

    public static void main(String[] args) {
        if (args.length == 0) args = new String[] {"llama3-8b", "Q4_0"};
        if (args.length % 2 != 0 && args.length != 3)
            throw new IllegalArgumentException("usage: CudaBench MODEL TYPE [layers] | CudaBench MODEL TYPE MODEL TYPE ...");
        try (CudaBackend gpu = CudaBackend.open(0)) {
            System.out.println("device: " + gpu.device() + ", kernels: " + gpu.kernelOrigin() + ", matvec variants in use: " + gpu.matvecChoice());
            double bw = copyBandwidth(gpu, 2L << 30);
            System.out.printf("cuMemcpyDtoD bandwidth (read+write): %.0f GB/s%n", bw / 1e9);
            CudaBench bench = new CudaBench(gpu);
            for (int i = 0; i + 1 < args.length; i += 2) {
                String model = args[i];
                int layers = args.length == 3 ? Integer.parseInt(args[2]) : model.equals("llama3-70b") ? 80 : 32;
                bench.run(model, QuantType.valueOf(args[i + 1]), layers, bw);
            }
        }
    }

    void run(String model, QuantType type, int layers, double bw) {
        int vocab = 128256, embd = shapes(model).getFirst().cols();
        List<Shape> shapes = shapes(model);
        List<List<DeviceWeight>> byShape = new ArrayList<>();
        long weightBytes = 0;
        for (Shape s : shapes) {
            List<DeviceWeight> ws = new ArrayList<>();
            for (int i = 0; i < layers * s.perLayer(); i++) ws.add(randomWeight(type, s.rows(), s.cols()));
            for (DeviceWeight w : ws) weightBytes += w.bytes();
            byShape.add(ws);
        }
        DeviceWeight output = randomWeight(type, vocab, embd);
        weightBytes += output.bytes();
        int maxCols = 0, maxRows = vocab;
        for (Shape s : shapes) maxCols = Math.max(maxCols, s.cols());
        try (DeviceBuffer x = DeviceBuffer.allocate(4L * 512 * Math.max(maxCols, embd)); DeviceBuffer y = DeviceBuffer.allocate(4L * 512 * maxRows);
             Q8Input q = Q8Input.allocate(512L * maxCols); CudaTimer timer = new CudaTimer(gpu.device())) {
            x.fill((byte) 0x3c);
            Runnable token = () -> {
                for (int l = 0; l < layers; l++)
                    for (int si = 0; si < shapes.size(); si++) {
                        Shape s = shapes.get(si);
                        gpu.quantizeQ8_1(x.address(), q, 1, s.cols());
                        for (int j = 0; j < s.perLayer(); j++) gpu.matvec(byShape.get(si).get(l * s.perLayer() + j), x.address(), q, y.address(), 1, false);
                    }
                gpu.quantizeQ8_1(x.address(), q, 1, embd);
                gpu.matvec(output, x.address(), q, y.address(), 1, false);
            };
            float graphMs = timeGraph(token, timer, 20);
            double roof = weightBytes / bw * 1e3;
            System.out.printf("%s %s tg (matvec chain, CUDA graph): %.3f ms/token = %.1f tok/s; weights %.2f GB; roofline %.3f ms (%.1f tok/s); fraction %.1f%%%n",
                    model, type, graphMs, 1e3 / graphMs, weightBytes / 1e9, roof, 1e3 / roof, 100 * roof / graphMs);
            float directMs = timeDirect(token, timer, 5);
            System.out.printf("%s %s tg (same chain, one launch at a time): %.3f ms/token (launch gaps cost %.3f ms)%n", model, type, directMs, directMs - graphMs);
            compareVariants(type, shapes, byShape, token, x, y, q, timer, roof, bw);
            promptChain(model, type, layers, shapes, byShape, output, x, y, timer);
        } finally {
            for (List<DeviceWeight> ws : byShape) for (DeviceWeight w : ws) w.close();
            output.close();
        }
    }

    /**
     * The chain and then each shape with every matvec variant (Q4_0 and Q8_0; other types only the kernel they have),
     * warps per row automatic (its choice in brackets) and forced to 1, 2 and 4; ends with the fastest per shape.
     */
    private void compareVariants(QuantType type, List<Shape> shapes, List<List<DeviceWeight>> byShape, Runnable token,
                                 DeviceBuffer x, DeviceBuffer y, Q8Input q, CudaTimer timer, double roof, double bw) {
        boolean hasVariants = type == QuantType.Q4_0 || type == QuantType.Q8_0;
        List<MatvecVariant> variants = hasVariants ? List.of(MatvecVariant.values()) : List.of(MatvecVariant.BASE);  // others: their one kernel
        try {
            System.out.println("tg chain per matvec variant (warps per row automatic), % of the roofline:");
            for (MatvecVariant v : variants) {
                gpu.setMatvecVariant(v);
                float ms = timeGraph(token, timer, 10);
                String info = hasVariants ? gpu.matvecKernelInfo(v, type) : "";
                System.out.printf("  %-5s %8.3f ms/token  %5.1f%%   %s%n", name(v), ms, 100 * roof / ms, info);
            }
            if (hasVariants) {
                gpu.setMatvecVariant(null);
                float ms = timeGraph(token, timer, 10);
                System.out.printf("  default %5.3f ms/token  %5.1f%%   (%s)%n", ms, 100 * roof / ms, gpu.matvecChoice());
            }
            System.out.println("per shape, % of copy bandwidth (auto: warps per row group in brackets):");
            System.out.printf("  %-12s %-20s %-5s %9s %9s %6s %6s %6s%n", "shape", "rows x cols x count", "kern", "auto ms", "auto", "wpr1", "wpr2", "wpr4");
            StringBuilder best = new StringBuilder("fastest per shape:");
            for (int si = 0; si < shapes.size(); si++) {
                List<DeviceWeight> ws = byShape.get(si);
                long bytes = ws.stream().mapToLong(DeviceWeight::bytes).sum();
                Shape s = shapes.get(si);
                Runnable chain = () -> {
                    gpu.quantizeQ8_1(x.address(), q, 1, s.cols());
                    for (DeviceWeight w : ws) gpu.matvec(w, x.address(), q, y.address(), 1, false);
                };
                String bestName = "";
                double bestFrac = 0;
                for (MatvecVariant v : variants) {
                    gpu.setMatvecVariant(v);
                    double[] frac = new double[4];  // auto, 1, 2, 4 warps per row group
                    float autoMs = 0;
                    int[] forced = {0, 1, 2, 4};
                    for (int i = 0; i < forced.length; i++) {
                        gpu.setWarpsPerRow(forced[i]);
                        float ms = timeGraph(chain, timer, 10);
                        if (i == 0) autoMs = ms;
                        frac[i] = bytes / (ms * 1e-3) / bw;
                        if (frac[i] > bestFrac) {
                            bestFrac = frac[i];
                            bestName = name(v) + (i == 0 ? " auto" : " wpr" + forced[i]);
                        }
                    }
                    gpu.setWarpsPerRow(0);
                    System.out.printf("  %-12s %6d x %-6d x%-4d %-5s %9.3f %5.1f%%(%d) %5.1f%% %5.1f%% %5.1f%%%n", s.name(), s.rows(), s.cols(), ws.size(),
                            name(v), autoMs, 100 * frac[0], gpu.warpsPerRow(ws.getFirst()), 100 * frac[1], 100 * frac[2], 100 * frac[3]);
                }
                best.append(String.format(" %s %s %.1f%%;", s.name(), bestName, 100 * bestFrac));
            }
            System.out.println(best);
        } finally {
            gpu.setMatvecVariant(MatvecVariant.fromProperty());  // back to the defaults (or the forced one)
            gpu.setWarpsPerRow(0);
        }
    }

    private static String name(MatvecVariant v) {
        return v.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void promptChain(String model, QuantType type, int layers, List<Shape> shapes, List<List<DeviceWeight>> byShape,
                             DeviceWeight output, DeviceBuffer x, DeviceBuffer y, CudaTimer timer) {
        int n = 512;
        long maxW = (long) output.rows() * output.cols();
        try (GemmScratch s = GemmScratch.allocate(maxW, (long) n * 28672)) {
            Runnable batch = () -> {
                for (int l = 0; l < layers; l++)
                    for (int si = 0; si < shapes.size(); si++)
                        for (int j = 0; j < shapes.get(si).perLayer(); j++)
                            gpu.gemm(byShape.get(si).get(l * shapes.get(si).perLayer() + j), x.address(), y.address(), n, false, s);
                gpu.gemm(output, x.address(), y.address(), 1, false, s);  // logits of the last token only
            };
            float ms = timeDirect(batch, timer, 3);
            System.out.printf("%s %s pp%d (dequant-to-f16 + cublasGemmEx chain): %.1f ms = %.0f tok/s%n", model, type, n, ms, n * 1e3 / ms);
        }
    }

    private float timeGraph(Runnable r, CudaTimer t, int reps) {
        try (CudaGraph g = CudaGraph.capture(gpu.device(), r)) {
            float[] ms = new float[reps];
            for (int i = -3; i < reps; i++) {
                t.start();
                g.launch();
                float m = t.stopMillis();
                if (i >= 0) ms[i] = m;
            }
            return median(ms);
        }
    }

    private float timeDirect(Runnable r, CudaTimer t, int reps) {
        float[] ms = new float[reps];
        for (int i = -1; i < reps; i++) {
            long t0 = System.nanoTime();
            t.start();
            r.run();
            t.stopMillis();
            float m = (System.nanoTime() - t0) / 1e6f;
            if (i >= 0) ms[i] = m;
        }
        return median(ms);
    }
}
